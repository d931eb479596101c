-- @owner crm
-- @description Reads an own table over staging, then redefines the name over a harmless topic
-- @expect reject mask

CREATE TEMPORARY TABLE t (id BIGINT, email STRING) WITH (
  'connector' = 'kafka', 'topic' = 'staging.crm.public.customers', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'debezium-json'
);

INSERT INTO sink.analytics_out SELECT id, email FROM t;

DROP TEMPORARY TABLE t;

CREATE TEMPORARY TABLE t (id BIGINT, email STRING) WITH (
  'connector' = 'kafka', 'topic' = 'web.clicks', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json'
);
