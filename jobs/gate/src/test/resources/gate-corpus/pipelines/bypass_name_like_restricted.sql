-- @owner crm
-- @description Own sink named like the restricted sinks (sink.restricted_*), pointing at its own topic
-- @expect reject unmapped-sink

CREATE TEMPORARY TABLE sink.restricted_dump (id BIGINT, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'public.dump', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json', 'value.format' = 'json'
);

INSERT INTO sink.restricted_dump SELECT id, card_number FROM staging.crm_cards;
