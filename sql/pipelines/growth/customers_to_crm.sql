-- @owner growth
-- @description Customers into the growth team's CRM database by JDBC (upserts and deletes applied); names masked, e-mails hashed, phones show 2 digits
-- @parallelism 1
-- @checkpoint-interval 2 s
--
-- A second consumer of the same staging topic as payments_to_warehouse.sql: a new SQL file, no
-- change to ingest. Variables: CRM_JDBC_URL (e.g. jdbc:postgresql://crm-db:5432/crm), CRM_USER,
-- CRM_PASSWORD (a secret: pass it with --secret-env or --secret-file). The table must exist in the
-- CRM database: CREATE TABLE customers (id BIGINT PRIMARY KEY, name TEXT, email_hash TEXT,
-- phone TEXT, country TEXT, updated_at TIMESTAMP), updated_at in UTC (Flink's JDBC connector
-- writes no TIMESTAMP_LTZ to PostgreSQL). The connector sluice-jdbc is Flink's jdbc that checks each
-- row against the target table first and sends a row it cannot write (too long, out of range) to
-- the dead-letter topic instead of stopping the job (docs/reliability.md).

LOAD MODULE sluice;

SET 'table.local-time-zone' = 'UTC';

CREATE DATABASE IF NOT EXISTS crm;

CREATE TABLE crm.customers (
  id BIGINT,
  name STRING,
  email_hash STRING,
  phone STRING,
  country STRING,
  updated_at TIMESTAMP(6),
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'sluice-jdbc',
  'url' = '${CRM_JDBC_URL}',
  'table-name' = 'customers',
  'username' = '${CRM_USER}',
  'password' = '${CRM_PASSWORD}',
  'sink.buffer-flush.max-rows' = '500',
  'sink.buffer-flush.interval' = '1 s',
  'dead-letter.topic' = '${PIPELINE_DEAD_LETTER_TOPIC:-pipelines.dead-letter}',
  'dead-letter.bootstrap-servers' = '${KAFKA_BOOTSTRAP_SERVERS}'
);

INSERT INTO crm.customers
SELECT id, mask(name), mask_hash(email), mask_show_last_n(phone, 2), country,
  CAST(updated_at AS TIMESTAMP(6))
FROM staging.payments_customers;
