-- @owner crm
-- @description Birth date cast to a string
-- @expect reject mask

INSERT INTO sink.analytics_out
SELECT id, CAST(birth_date AS STRING) FROM staging.crm_customers;
