-- @owner crm
-- @description Own table over the staging topic, e-mail hashed
-- @expect pass

CREATE TEMPORARY TABLE mine (id BIGINT, name STRING, email STRING, phone STRING, country STRING) WITH (
  'connector' = 'kafka', 'topic' = 'staging.crm.public.customers', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'debezium-json'
);

INSERT INTO sink.analytics_out SELECT id, mask_hash(email) FROM mine;
