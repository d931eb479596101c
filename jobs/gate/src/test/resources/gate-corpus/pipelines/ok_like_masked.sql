-- @owner crm
-- @description LIKE the staging table, values masked
-- @expect pass

CREATE TEMPORARY TABLE c2 LIKE staging.crm_customers;

INSERT INTO sink.analytics_out SELECT id, pseudonymize(email) FROM c2;
