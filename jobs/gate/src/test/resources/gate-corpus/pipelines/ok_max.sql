-- @owner crm
-- @description MAX of hashed emails and a count per country
-- @expect pass

INSERT INTO sink.analytics_by_key
SELECT country, MAX(mask_hash(email)) || '/' || CAST(COUNT(email) AS STRING)
FROM staging.crm_customers GROUP BY country;
