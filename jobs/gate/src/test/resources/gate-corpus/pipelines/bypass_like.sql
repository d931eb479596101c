-- @owner crm
-- @description CREATE TEMPORARY TABLE ... LIKE the staging table, raw e-mail
-- @expect reject mask

CREATE TEMPORARY TABLE c2 LIKE staging.crm_customers;

INSERT INTO sink.analytics_out SELECT id, email FROM c2;
