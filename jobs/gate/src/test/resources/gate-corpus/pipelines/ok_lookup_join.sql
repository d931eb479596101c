-- @owner crm
-- @description Logins enriched with the last 2 digits of the home phone
-- @expect pass

INSERT INTO sink.analytics_out
SELECT l.customer_id, mask_show_last_n(p.home_phone, 2)
FROM staging.crm_logins AS l
JOIN staging.crm_profiles FOR SYSTEM_TIME AS OF l.pt AS p ON p.customer_id = l.customer_id;
