-- @owner shop
-- @description Every kind of mistake the planner finds, one per statement
SET 'execution.checkpointing.intervall' = '5 s';
SET 'parallelism.default' = 'many';
CREATE TEMPORARY TABLE audit (id BIGINT, note STRING) WITH ('connector' = 'blackhole');
INSERT INTO audit SELECT id, customer_email FROM staging.ordrs;
INSERT INTO audit SELECT id, customer_mail FROM staging.orders;
INSERT INTO audit SELECT id, unknown_fn(customer_email) FROM staging.orders;
INSERT INTO audit SELECT customer_email, customer_email FROM staging.orders;
INSERT INTO audit SELECT id, '${NOT_DEFINED}' FROM staging.orders;
