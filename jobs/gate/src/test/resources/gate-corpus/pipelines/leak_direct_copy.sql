-- @owner crm
-- @description Email copied as is into the analytics zone
-- @expect reject mask

INSERT INTO sink.analytics_out
SELECT id, email FROM staging.crm_customers;
