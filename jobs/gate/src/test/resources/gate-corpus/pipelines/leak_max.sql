-- @owner crm
-- @description MAX(email) per country
-- @expect reject mask

INSERT INTO sink.analytics_by_key
SELECT country, MAX(email) FROM staging.crm_customers GROUP BY country;
