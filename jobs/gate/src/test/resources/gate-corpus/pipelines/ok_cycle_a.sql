-- @owner crm
-- @description One half of a cycle: staging e-mails and what the other half writes, raw into restricted.cycle_a
-- @expect pass

CREATE TEMPORARY TABLE from_b (id BIGINT, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'restricted.cycle_b', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json', 'value.format' = 'json'
);

CREATE TEMPORARY TABLE to_a (id BIGINT, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'restricted.cycle_a', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json', 'value.format' = 'json'
);

INSERT INTO to_a
SELECT id, email FROM staging.crm_customers
UNION ALL
SELECT id, v FROM from_b;
