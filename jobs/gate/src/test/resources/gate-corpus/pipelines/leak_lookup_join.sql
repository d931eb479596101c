-- @owner crm
-- @description Logins enriched with the home phone of a JDBC dimension table, raw
-- @expect reject mask

INSERT INTO sink.analytics_out
SELECT l.customer_id, p.home_phone
FROM staging.crm_logins AS l
JOIN staging.crm_profiles FOR SYSTEM_TIME AS OF l.pt AS p ON p.customer_id = l.customer_id;
