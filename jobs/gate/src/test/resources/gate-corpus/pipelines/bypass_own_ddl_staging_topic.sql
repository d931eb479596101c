-- @owner crm
-- @description Own temporary table over the staging topic, raw e-mail into analytics
-- @expect reject mask

CREATE TEMPORARY TABLE my_customers (id BIGINT, name STRING, email STRING, phone STRING, country STRING) WITH (
  'connector' = 'kafka', 'topic' = 'staging.crm.public.customers', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'debezium-json'
);

INSERT INTO sink.analytics_out SELECT id, email FROM my_customers;
