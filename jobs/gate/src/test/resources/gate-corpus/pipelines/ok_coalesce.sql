-- @owner crm
-- @description COALESCE of masked values
-- @expect pass

INSERT INTO sink.analytics_out
SELECT id, COALESCE(mask_show_last_n(phone, 2), mask_hash(email)) FROM staging.crm_customers;
