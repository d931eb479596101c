-- @owner crm
-- @description An identity option left as a literal ${VAR}
-- @expect reject identity

CREATE TEMPORARY TABLE unresolved (id BIGINT, email STRING) WITH (
  'connector' = 'kafka', 'topic' = '$${STAGING_TOPIC}', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json'
);

INSERT INTO sink.analytics_out SELECT id, email FROM unresolved;
