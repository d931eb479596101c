-- @owner crm
-- @description Masked phone packed into a ROW
-- @expect pass

INSERT INTO sink.analytics_packed
SELECT id, ROW(country, mask_show_last_n(phone, 2)) FROM staging.crm_customers;
