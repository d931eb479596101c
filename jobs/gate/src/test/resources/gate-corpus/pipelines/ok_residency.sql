-- @owner crm
-- @description Only unclassified columns into the US region
-- @expect pass

INSERT INTO sink.us_out
SELECT id, country FROM staging.crm_customers;
