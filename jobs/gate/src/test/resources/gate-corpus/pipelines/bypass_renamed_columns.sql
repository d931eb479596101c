-- @owner crm
-- @description Own CSV table over the staging topic with renamed columns (with a positional format such as CSV they would read the real values)
-- @expect reject mask

CREATE TEMPORARY TABLE renamed (id BIGINT, who STRING, contact STRING) WITH (
  'connector' = 'kafka', 'topic' = 'staging.crm.public.customers', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json'
);

INSERT INTO sink.analytics_out SELECT id, contact FROM renamed;
