-- @owner crm
-- @description Hashed emails into a sink the policy does not know
-- @expect reject unmapped-sink

INSERT INTO sink.adhoc_out
SELECT id, mask_hash(email) FROM staging.crm_customers;
