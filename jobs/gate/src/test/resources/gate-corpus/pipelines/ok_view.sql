-- @owner crm
-- @description Email pseudonymized inside a view
-- @expect pass

CREATE TEMPORARY VIEW german_customers AS
SELECT id, pseudonymize(email) AS contact FROM staging.crm_customers WHERE country = 'DE';

INSERT INTO sink.analytics_out
SELECT id, contact FROM german_customers;
