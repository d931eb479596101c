-- @owner crm
-- @description Reads an own harmless table, then redefines the name over staging without reading it
-- @expect pass

CREATE TEMPORARY TABLE t (id BIGINT, url STRING) WITH (
  'connector' = 'kafka', 'topic' = 'web.clicks', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json'
);

INSERT INTO sink.analytics_out SELECT id, url FROM t;

DROP TEMPORARY TABLE t;

CREATE TEMPORARY TABLE t (id BIGINT, email STRING) WITH (
  'connector' = 'kafka', 'topic' = 'staging.crm.public.customers', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json'
);
