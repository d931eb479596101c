-- @owner crm
-- @description Third hop: reads what two restricted hops carried raw and copies it into analytics
-- @expect reject mask

CREATE TEMPORARY TABLE hop2 (id BIGINT, v STRING) WITH (
  'connector' = 'kafka', 'topic' = 'restricted.chain2', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json'
);

INSERT INTO sink.analytics_out SELECT id, v FROM hop2;
