-- @owner crm
-- @description Phone shows its last 2 digits through a CTE
-- @expect pass

INSERT INTO sink.analytics_out
WITH contacts AS (SELECT id, mask_show_last_n(phone, 2) AS p FROM staging.crm_customers)
SELECT id, p FROM contacts;
