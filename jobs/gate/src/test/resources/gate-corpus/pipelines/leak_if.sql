-- @owner crm
-- @description IF returns the raw name
-- @expect reject mask

INSERT INTO sink.analytics_out
SELECT id, IF(country = 'DE', name, 'n/a') FROM staging.crm_customers;
