-- Tables of the gate corpus: Kafka staging sources (planned offline, never connected) and sinks in
-- each zone and region of policy.yaml. Variables: KAFKA_BOOTSTRAP_SERVERS.

CREATE DATABASE IF NOT EXISTS staging;

CREATE TABLE staging.crm_customers (
  id BIGINT,
  name STRING,
  email STRING,
  phone STRING,
  country STRING,
  alt_emails ARRAY<STRING>,
  birth_date DATE,
  updated_at TIMESTAMP_LTZ(3),
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'kafka',
  'topic' = 'staging.crm.public.customers',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'format' = 'debezium-json'
);

CREATE TABLE staging.crm_cards (
  id BIGINT,
  customer_id BIGINT,
  card_number STRING,
  brand STRING,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'kafka',
  'topic' = 'staging.crm.public.cards',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'format' = 'debezium-json'
);

CREATE TABLE staging.crm_notes (
  id BIGINT,
  customer_id BIGINT,
  body STRING
) WITH (
  'connector' = 'kafka',
  'topic' = 'staging.crm.public.notes',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json'
);

CREATE DATABASE IF NOT EXISTS sink;

-- sinks are upsert-kafka topics (they take changelogs and persist what they get), one topic each
CREATE TABLE sink.analytics_out (
  id BIGINT,
  v STRING,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'analytics.out',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json',
  'value.format' = 'json'
);
CREATE TABLE sink.analytics_by_key (
  k STRING,
  v STRING,
  PRIMARY KEY (k) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'analytics.by_key',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json',
  'value.format' = 'json'
);
CREATE TABLE sink.analytics_packed (
  id BIGINT,
  r ROW<a STRING, b STRING>,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'analytics.packed',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json',
  'value.format' = 'json'
);
CREATE TABLE sink.analytics_mirror (
  id BIGINT,
  v STRING,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = 'jdbc:postgresql://127.0.0.1:1/never_connected',
  'table-name' = 'mirror'
);
CREATE TABLE sink.partner_out (
  id BIGINT,
  v STRING,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'partner.out',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json',
  'value.format' = 'json'
);
CREATE TABLE sink.restricted_out (
  id BIGINT,
  v STRING,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'restricted.out',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json',
  'value.format' = 'json'
);
CREATE TABLE sink.us_out (
  id BIGINT,
  v STRING,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'us.out',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json',
  'value.format' = 'json'
);
CREATE TABLE sink.adhoc_out (
  id BIGINT,
  v STRING,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'adhoc.out',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json',
  'value.format' = 'json'
);
-- a harmless click stream (policy: dataset web.clicks, nothing classified)
CREATE DATABASE IF NOT EXISTS other;
CREATE TABLE other.web_clicks (id BIGINT, url STRING) WITH (
  'connector' = 'kafka',
  'topic' = 'web.clicks',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json'
);

-- a restricted sink that another pipeline may read back (policy: dataset restricted.chain_*)
CREATE TABLE sink.restricted_chain (
  id BIGINT,
  v STRING,
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'upsert-kafka',
  'topic' = 'restricted.chain',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json',
  'value.format' = 'json'
);

-- an Iceberg catalog (Hadoop, a temporary folder) for Iceberg sinks
CREATE CATALOG ice WITH ('type' = 'iceberg', 'catalog-type' = 'hadoop', 'warehouse' = '${CORPUS_WAREHOUSE}');
CREATE DATABASE IF NOT EXISTS ice.lake;

-- a table outside every dataset of the policy: reading it needs no grant
CREATE DATABASE IF NOT EXISTS other;
CREATE TABLE other.clicks (id BIGINT, url STRING) WITH ('connector' = 'datagen');

-- an append-only event stream with event time, for window aggregates
CREATE TABLE staging.crm_logins (
  customer_id BIGINT,
  email STRING,
  ts TIMESTAMP(3),
  pt AS PROCTIME(),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
) WITH (
  'connector' = 'kafka',
  'topic' = 'staging.crm.public.logins',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'json'
);

-- a dimension table read by lookup (JDBC, never connected while planning)
CREATE TABLE staging.crm_profiles (
  customer_id BIGINT,
  nickname STRING,
  home_phone STRING,
  PRIMARY KEY (customer_id) NOT ENFORCED
) WITH (
  'connector' = 'jdbc',
  'url' = 'jdbc:postgresql://127.0.0.1:1/never_connected',
  'table-name' = 'profiles'
);
