-- @owner crm
-- @description IF returns the redacted name
-- @expect pass

INSERT INTO sink.analytics_out
SELECT id, IF(country = 'DE', redact(name), 'n/a') FROM staging.crm_customers;
