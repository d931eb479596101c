-- @owner crm
-- @description Reads a topic no policy entry maps
-- @expect reject unmapped-source

CREATE TEMPORARY TABLE shadow (id BIGINT, v STRING) WITH (
  'connector' = 'kafka', 'topic' = 'shadow.customers', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json'
);

INSERT INTO sink.analytics_out SELECT id, v FROM shadow;
