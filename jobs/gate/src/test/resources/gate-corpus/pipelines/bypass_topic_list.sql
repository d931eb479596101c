-- @owner crm
-- @description A topic list hiding the staging topic behind a harmless one
-- @expect reject mask

CREATE TEMPORARY TABLE two (id BIGINT, email STRING) WITH (
  'connector' = 'kafka', 'topic' = 'web.clicks;staging.crm.public.customers', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json'
);

INSERT INTO sink.analytics_out SELECT id, email FROM two;
