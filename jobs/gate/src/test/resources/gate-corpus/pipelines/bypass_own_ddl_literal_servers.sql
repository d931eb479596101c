-- @owner crm
-- @description Own table with the servers spelt out (spaces, upper case) instead of the variable
-- @expect reject mask

CREATE TEMPORARY TABLE c (id BIGINT, email STRING) WITH (
  'connector' = 'kafka', 'topic' = 'staging.crm.public.customers',
  'properties.bootstrap.servers' = ' 127.0.0.1:1 ', 'format' = 'debezium-json'
);

INSERT INTO sink.analytics_out SELECT id, email FROM c;
