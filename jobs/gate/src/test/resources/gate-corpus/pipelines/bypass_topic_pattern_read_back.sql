-- @owner crm
-- @description A topic pattern over the cycle's restricted topics (no declared classes) copied into analytics
-- @expect reject mask

CREATE TEMPORARY TABLE cycled (id BIGINT, v STRING) WITH (
  'connector' = 'kafka', 'topic-pattern' = 'restricted\.cycle_.*', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json'
);

INSERT INTO sink.analytics_out SELECT id, v FROM cycled;
