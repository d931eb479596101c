-- The staging area as Flink tables: one Kafka topic per source table, written by the ingest job
-- in the common change format (Debezium JSON envelope, ISO-8601 timestamps). Pipelines read these
-- tables and get inserts, updates and deletes as a changelog keyed by the primary key. The format
-- sluice-debezium-json is Flink's debezium-json that sends a record it cannot decode to the
-- pipelines' dead-letter topic with the reason instead of stopping the job (docs/reliability.md),
-- and decrypts columns of encrypted staging (docs/erasure.md).
--
-- Variables: KAFKA_BOOTSTRAP_SERVERS; PIPELINE_DEAD_LETTER_TOPIC (default pipelines.dead-letter);
-- STAGING_KEY_STORE_URL, the JDBC URL of the staging key store when the ingest encrypts staging
-- (crypto-shredding; empty, the default: staging is read as written) and STAGING_KEY_STORE_USER
-- (default postgres); the key store password and the master key come from the environment
-- (SLUICE_KEY_STORE_PASSWORD, SLUICE_STAGING_MASTER_KEY).

CREATE DATABASE IF NOT EXISTS staging;

CREATE TABLE staging.payments_customers (
  id BIGINT,
  name STRING,
  email STRING,
  phone STRING,
  country STRING,
  created_at TIMESTAMP_LTZ(6),
  updated_at TIMESTAMP_LTZ(6),
  source_committed_at TIMESTAMP_LTZ(3) METADATA FROM 'value.source.timestamp' VIRTUAL,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'kafka',
  'topic' = 'staging.payments.public.customers',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'sluice-debezium-json',
  'sluice-debezium-json.timestamp-format.standard' = 'ISO-8601',
  'sluice-debezium-json.dead-letter.topic' = '${PIPELINE_DEAD_LETTER_TOPIC:-pipelines.dead-letter}',
  'sluice-debezium-json.dead-letter.bootstrap-servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'sluice-debezium-json.encryption.key-store.url' = '${STAGING_KEY_STORE_URL:-}',
  'sluice-debezium-json.encryption.key-store.username' = '${STAGING_KEY_STORE_USER:-postgres}'
);

CREATE TABLE staging.payments_cards (
  id BIGINT,
  customer_id BIGINT,
  card_number STRING,
  brand STRING,
  expiry STRING,
  updated_at TIMESTAMP_LTZ(6),
  source_committed_at TIMESTAMP_LTZ(3) METADATA FROM 'value.source.timestamp' VIRTUAL,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'kafka',
  'topic' = 'staging.payments.public.cards',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'sluice-debezium-json',
  'sluice-debezium-json.timestamp-format.standard' = 'ISO-8601',
  'sluice-debezium-json.dead-letter.topic' = '${PIPELINE_DEAD_LETTER_TOPIC:-pipelines.dead-letter}',
  'sluice-debezium-json.dead-letter.bootstrap-servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'sluice-debezium-json.encryption.key-store.url' = '${STAGING_KEY_STORE_URL:-}',
  'sluice-debezium-json.encryption.key-store.username' = '${STAGING_KEY_STORE_USER:-postgres}'
);

CREATE TABLE staging.payments_payments (
  id BIGINT,
  card_id BIGINT,
  amount DECIMAL(12, 2),
  currency STRING,
  status STRING,
  created_at TIMESTAMP_LTZ(6),
  updated_at TIMESTAMP_LTZ(6),
  source_committed_at TIMESTAMP_LTZ(3) METADATA FROM 'value.source.timestamp' VIRTUAL,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'kafka',
  'topic' = 'staging.payments.public.payments',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'properties.isolation.level' = 'read_committed',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'sluice-debezium-json',
  'sluice-debezium-json.timestamp-format.standard' = 'ISO-8601',
  'sluice-debezium-json.dead-letter.topic' = '${PIPELINE_DEAD_LETTER_TOPIC:-pipelines.dead-letter}',
  'sluice-debezium-json.dead-letter.bootstrap-servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'sluice-debezium-json.encryption.key-store.url' = '${STAGING_KEY_STORE_URL:-}',
  'sluice-debezium-json.encryption.key-store.username' = '${STAGING_KEY_STORE_USER:-postgres}'
);
