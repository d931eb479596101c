-- @owner crm
-- @description The staging topic through upsert-kafka, e-mail hashed
-- @expect pass

CREATE TEMPORARY TABLE up (id BIGINT, email STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'staging.crm.public.customers', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json', 'value.format' = 'json'
);

INSERT INTO sink.analytics_out SELECT id, mask_hash(email) FROM up;
