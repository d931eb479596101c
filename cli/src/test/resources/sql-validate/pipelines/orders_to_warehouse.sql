-- @owner shop
-- @description Orders into the warehouse, without the customer's email
-- @parallelism 2
-- @checkpoint-interval 10 s
SET 'table.exec.sink.upsert-materialize' = 'NONE';

INSERT INTO warehouse.shop.orders
SELECT id, amount FROM staging.orders WHERE customer_email <> '${AUDIT_TOKEN}';
