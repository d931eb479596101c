-- @owner crm
-- @description Phone packed into a ROW
-- @expect reject mask

INSERT INTO sink.analytics_packed
SELECT id, ROW(country, phone) FROM staging.crm_customers;
