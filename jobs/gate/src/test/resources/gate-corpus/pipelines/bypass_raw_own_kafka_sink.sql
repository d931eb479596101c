-- @owner crm
-- @description Raw e-mail into a Kafka topic the pipeline declares itself
-- @expect reject unmapped-sink

CREATE TEMPORARY TABLE dump (id BIGINT, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'dump.customers', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json', 'value.format' = 'json'
);

INSERT INTO dump SELECT id, email FROM staging.crm_customers;
