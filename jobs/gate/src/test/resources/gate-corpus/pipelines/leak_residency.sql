-- @owner crm
-- @description Hashed emails into a US region sink
-- @expect reject residency

INSERT INTO sink.us_out
SELECT id, mask_hash(email) FROM staging.crm_customers;
