CREATE CATALOG warehouse WITH (
  'type' = 'iceberg',
  'catalog-type' = '${ICEBERG_CATALOG_TYPE}',
  'warehouse' = '${ICEBERG_WAREHOUSE}'
);
CREATE DATABASE IF NOT EXISTS warehouse.shop;
CREATE TABLE IF NOT EXISTS warehouse.shop.orders (
  id BIGINT NOT NULL,
  amount DECIMAL(10, 2),
  PRIMARY KEY (id) NOT ENFORCED
) WITH ('format-version' = '2', 'write.upsert.enabled' = 'true');
