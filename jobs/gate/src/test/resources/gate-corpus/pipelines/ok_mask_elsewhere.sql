-- @owner crm
-- @description The masking function hashes the email itself
-- @expect pass

INSERT INTO sink.analytics_out
SELECT id, mask_hash(country) || mask_hash(email) FROM staging.crm_customers;
