-- @owner crm
-- @description Hashed email concatenated
-- @expect pass

INSERT INTO sink.analytics_out
SELECT id, 'h:' || mask_hash(email) FROM staging.crm_customers;
