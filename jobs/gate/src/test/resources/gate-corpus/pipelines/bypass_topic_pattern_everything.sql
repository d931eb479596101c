-- @owner crm
-- @description A topic-pattern source matching every topic
-- @expect reject mask

CREATE TEMPORARY TABLE everything (id BIGINT, email STRING) WITH (
  'connector' = 'kafka', 'topic-pattern' = '.*', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json'
);

INSERT INTO sink.analytics_out SELECT id, email FROM everything;
