-- @owner crm
-- @description Own harmless table with an e-mail column, hinted onto the staging topic
-- @expect reject mask

CREATE TEMPORARY TABLE probe (id BIGINT, email STRING) WITH (
  'connector' = 'kafka', 'topic' = 'web.probe', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json'
);

INSERT INTO sink.analytics_out
SELECT id, email FROM probe /*+ OPTIONS('topic'='staging.crm.public.customers') */;
