-- @owner crm
-- @description A topic pattern over the click streams only
-- @expect pass

CREATE TEMPORARY TABLE clicks (id BIGINT, url STRING) WITH (
  'connector' = 'kafka', 'topic-pattern' = 'web\..*', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json'
);

INSERT INTO sink.analytics_out SELECT id, url FROM clicks;
