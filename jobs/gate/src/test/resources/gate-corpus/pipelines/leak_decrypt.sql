-- @owner crm
-- @description Encrypted, then decrypted again on the way: the raw email arrives
-- @expect reject mask

INSERT INTO sink.analytics_out
SELECT id, decrypt_deterministic(encrypt_deterministic(email)) FROM staging.crm_customers;
