-- @owner crm
-- @description LISTAGG of names
-- @expect reject mask

INSERT INTO sink.analytics_by_key
SELECT country, LISTAGG(name) FROM staging.crm_customers GROUP BY country;
