-- @owner crm
-- @description Raw e-mail into print, which writes to the task logs
-- @expect reject unmapped-sink

CREATE TEMPORARY TABLE logs (id BIGINT, v STRING) WITH ('connector' = 'print');

INSERT INTO logs SELECT id, email FROM staging.crm_customers;
