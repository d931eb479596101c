-- @owner crm
-- @description LISTAGG of masked names
-- @expect pass

INSERT INTO sink.analytics_by_key
SELECT country, LISTAGG(mask(name)) FROM staging.crm_customers GROUP BY country;
