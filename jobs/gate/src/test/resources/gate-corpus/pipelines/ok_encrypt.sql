-- @owner crm
-- @description Deterministically encrypted email
-- @expect pass

INSERT INTO sink.analytics_out
SELECT id, encrypt_deterministic(email) FROM staging.crm_customers;
