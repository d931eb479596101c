-- @owner crm
-- @description A view over an own table over the staging topic
-- @expect reject mask

CREATE TEMPORARY TABLE vc (id BIGINT, name STRING, email STRING, phone STRING, country STRING) WITH (
  'connector' = 'kafka', 'topic' = 'staging.crm.public.customers', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'debezium-json'
);

CREATE TEMPORARY VIEW contacts AS SELECT id, LOWER(email) AS contact FROM vc;

INSERT INTO sink.analytics_out SELECT id, contact FROM contacts;
