-- @owner crm
-- @description A topic-pattern source that matches the staging topics
-- @expect reject mask

CREATE TEMPORARY TABLE pat (id BIGINT, email STRING) WITH (
  'connector' = 'kafka', 'topic-pattern' = 'staging\.crm\.public\..*', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json'
);

INSERT INTO sink.analytics_out SELECT id, email FROM pat;
