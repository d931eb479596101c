-- @owner crm
-- @description Own table over the restricted topic: raw card numbers stay in the restricted zone
-- @expect pass

CREATE TEMPORARY TABLE mine (id BIGINT, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'restricted.out', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json', 'value.format' = 'json'
);

INSERT INTO mine SELECT id, card_number FROM staging.crm_cards;
