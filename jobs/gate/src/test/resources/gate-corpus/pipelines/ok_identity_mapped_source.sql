-- @owner crm
-- @description Own table over the legacy CRM topic (identity-pattern source), e-mail hashed
-- @expect pass

CREATE TEMPORARY TABLE legacy (id BIGINT, email STRING) WITH (
  'connector' = 'kafka', 'topic' = 'legacy.crm.customers', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json'
);

INSERT INTO sink.analytics_out SELECT id, mask_hash(email) FROM legacy;
