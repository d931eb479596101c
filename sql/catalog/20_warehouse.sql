-- The realtime warehouse: an Iceberg catalog and the tables pipelines write to. Format v2 with a
-- primary key and upserts, so updates and deletes from staging are applied, not appended.
--
-- Variables: ICEBERG_CATALOG_TYPE (hadoop | rest | hive: the catalog types Iceberg's Flink catalog
-- knows; a JDBC catalog needs 'catalog-impl' = 'org.apache.iceberg.jdbc.JdbcCatalog' and its 'uri'
-- instead), ICEBERG_WAREHOUSE (a folder URI or object-store path).

CREATE CATALOG warehouse WITH (
  'type' = 'iceberg',
  'catalog-type' = '${ICEBERG_CATALOG_TYPE}',
  'warehouse' = '${ICEBERG_WAREHOUSE}'
);

CREATE DATABASE IF NOT EXISTS warehouse.payments;

CREATE TABLE IF NOT EXISTS warehouse.payments.customers (
  id BIGINT NOT NULL,
  email_hash STRING,
  phone STRING,
  country STRING,
  updated_at TIMESTAMP_LTZ(6),
  PRIMARY KEY (id) NOT ENFORCED
) WITH ('format-version' = '2', 'write.upsert.enabled' = 'true');

CREATE TABLE IF NOT EXISTS warehouse.payments.cards (
  id BIGINT NOT NULL,
  customer_id BIGINT,
  card_number STRING,
  brand STRING,
  expiry STRING,
  updated_at TIMESTAMP_LTZ(6),
  PRIMARY KEY (id) NOT ENFORCED
) WITH ('format-version' = '2', 'write.upsert.enabled' = 'true');

CREATE TABLE IF NOT EXISTS warehouse.payments.payments (
  id BIGINT NOT NULL,
  card_id BIGINT,
  amount DECIMAL(12, 2),
  currency STRING,
  status STRING,
  created_at TIMESTAMP_LTZ(6),
  updated_at TIMESTAMP_LTZ(6),
  PRIMARY KEY (id) NOT ENFORCED
) WITH ('format-version' = '2', 'write.upsert.enabled' = 'true');
