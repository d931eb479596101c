-- @owner crm
-- @description print of unclassified columns only
-- @expect pass

CREATE TEMPORARY TABLE logs (id BIGINT, country STRING) WITH ('connector' = 'print');

INSERT INTO logs SELECT id, country FROM staging.crm_customers;
