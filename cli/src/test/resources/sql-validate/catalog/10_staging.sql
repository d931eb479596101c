-- A staging table on Kafka and a datagen table; declared only, never contacted by validate.
CREATE DATABASE IF NOT EXISTS staging;

CREATE TABLE staging.orders (
  id BIGINT,
  customer_email STRING,
  amount DECIMAL(10, 2),
  PRIMARY KEY (id) NOT ENFORCED
) WITH (
  'connector' = 'kafka',
  'topic' = 'staging.shop.orders',
  'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset',
  'format' = 'debezium-json'
);
