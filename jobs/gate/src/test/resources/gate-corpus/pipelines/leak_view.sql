-- @owner crm
-- @description Raw email through a view
-- @expect reject mask

CREATE TEMPORARY VIEW german_customers AS
SELECT id, email AS contact FROM staging.crm_customers WHERE country = 'DE';

INSERT INTO sink.analytics_out
SELECT id, contact FROM german_customers;
