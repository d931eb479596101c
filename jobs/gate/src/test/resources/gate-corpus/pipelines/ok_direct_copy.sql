-- @owner crm
-- @description Email hashed
-- @expect pass

INSERT INTO sink.analytics_out
SELECT id, mask_hash(email) FROM staging.crm_customers;
