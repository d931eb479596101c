-- @owner crm
-- @description A temporary table shadows the catalog's restricted sink under the same name, on another topic
-- @expect reject unmapped-sink

CREATE TEMPORARY TABLE sink.restricted_out (id BIGINT, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'public.dump', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json', 'value.format' = 'json'
);

INSERT INTO sink.restricted_out SELECT id, card_number FROM staging.crm_cards;
