-- @owner crm
-- @description The masking function hashes a constant; the email rides along
-- @expect reject mask

INSERT INTO sink.analytics_out
SELECT id, mask_hash(country) || email FROM staging.crm_customers;
