-- @owner crm
-- @description The other half of the cycle: restricted.cycle_a back into restricted.cycle_b, raw
-- @expect pass

CREATE TEMPORARY TABLE from_a (id BIGINT, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'restricted.cycle_a', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json', 'value.format' = 'json'
);

CREATE TEMPORARY TABLE to_b (id BIGINT, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'restricted.cycle_b', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json', 'value.format' = 'json'
);

INSERT INTO to_b SELECT id, v FROM from_a;
