-- @owner crm
-- @description Generalized birth date cast to a string
-- @expect pass

INSERT INTO sink.analytics_out
SELECT id, CAST(generalize_date(birth_date, 'year') AS STRING) FROM staging.crm_customers;
