-- @owner crm
-- @description The first INSERT is fine, the second leaks
-- @expect reject mask

INSERT INTO sink.analytics_out
SELECT id, mask_hash(email) FROM staging.crm_customers;

INSERT INTO sink.analytics_by_key
SELECT country, name FROM staging.crm_customers;
