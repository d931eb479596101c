-- @owner crm
-- @description Raw e-mail into blackhole, which keeps nothing
-- @expect pass

CREATE TEMPORARY TABLE nothing (id BIGINT, v STRING) WITH ('connector' = 'blackhole');

INSERT INTO nothing SELECT id, email FROM staging.crm_customers;
