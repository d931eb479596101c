-- @owner crm
-- @description A topic pattern that is not a regular expression
-- @expect error topic-pattern

CREATE TEMPORARY TABLE bad (id BIGINT, email STRING) WITH (
  'connector' = 'kafka', 'topic-pattern' = 'staging.crm.(', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json'
);

INSERT INTO sink.analytics_out SELECT id, email FROM bad;
