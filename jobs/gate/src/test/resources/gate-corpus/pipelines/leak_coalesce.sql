-- @owner crm
-- @description COALESCE falls back to the raw email
-- @expect reject mask

INSERT INTO sink.analytics_out
SELECT id, COALESCE(mask_show_last_n(phone, 2), email) FROM staging.crm_customers;
