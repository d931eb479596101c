-- The realtime warehouse: an Iceberg catalog and the tables pipelines write to. Format v2 with a
-- primary key and upserts, so updates and deletes from staging are applied, not appended.
--
-- Variables (docs/warehouse.md):
--   ICEBERG_CATALOG_TYPE   hadoop | rest | hive (the catalog types Iceberg's Flink catalog knows; a
--                          JDBC catalog needs 'catalog-impl' = 'org.apache.iceberg.jdbc.JdbcCatalog')
--   ICEBERG_WAREHOUSE      a folder URI (hadoop) or the catalog's warehouse (rest: s3://bucket/path
--                          or the warehouse name the REST catalog expects)
--   ICEBERG_CATALOG_URI    rest: the catalog's http(s) address
--   ICEBERG_CATALOG_TOKEN  rest: the bearer token (a secret)
--   ICEBERG_IO_IMPL        org.apache.iceberg.aws.s3.S3FileIO for object storage
--   S3_ENDPOINT, S3_PATH_STYLE_ACCESS, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY (a secret;
--                          both keys empty: the AWS SDK's default credentials, e.g. AWS_* variables)
-- The defaults keep a folder warehouse working with the first two variables only. The catalog type
-- sluice-iceberg is Iceberg's ('type' = 'iceberg', same options) without copying the catalog's
-- secrets into every table's options (docs/reliability.md).

CREATE CATALOG warehouse WITH (
  'type' = 'sluice-iceberg',
  'catalog-type' = '${ICEBERG_CATALOG_TYPE}',
  'warehouse' = '${ICEBERG_WAREHOUSE}',
  'uri' = '${ICEBERG_CATALOG_URI:-}',
  'token' = '${ICEBERG_CATALOG_TOKEN:-}',
  'io-impl' = '${ICEBERG_IO_IMPL:-org.apache.iceberg.hadoop.HadoopFileIO}',
  's3.endpoint' = '${S3_ENDPOINT:-https://s3.amazonaws.com}',
  's3.path-style-access' = '${S3_PATH_STYLE_ACCESS:-false}',
  'client.region' = '${S3_REGION:-us-east-1}',
  's3.access-key-id' = '${S3_ACCESS_KEY_ID:-}',
  's3.secret-access-key' = '${S3_SECRET_ACCESS_KEY:-}'
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
