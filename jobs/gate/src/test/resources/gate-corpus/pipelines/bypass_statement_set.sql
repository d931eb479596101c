-- @owner crm
-- @description A statement set: one compliant INSERT, one over an own table on the staging topic
-- @expect reject mask

CREATE TEMPORARY TABLE ss (id BIGINT, name STRING, email STRING, phone STRING, country STRING) WITH (
  'connector' = 'kafka', 'topic' = 'staging.crm.public.customers', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'debezium-json'
);

EXECUTE STATEMENT SET BEGIN
INSERT INTO sink.analytics_out SELECT id, mask_hash(email) FROM staging.crm_customers;
INSERT INTO sink.analytics_by_key SELECT CAST(id AS STRING), email FROM ss;
END;
