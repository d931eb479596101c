-- @owner crm
-- @description Reads back, under its own name, the topic the restricted pipeline writes raw card numbers to
-- @expect reject mask

CREATE TEMPORARY TABLE rb (id BIGINT, v STRING) WITH (
  'connector' = 'kafka', 'topic' = 'restricted.out', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json'
);

INSERT INTO sink.analytics_out SELECT id, v FROM rb;
