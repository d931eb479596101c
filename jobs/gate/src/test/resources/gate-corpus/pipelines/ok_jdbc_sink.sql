-- @owner crm
-- @description Hashed email into a JDBC mirror
-- @expect pass

INSERT INTO sink.analytics_mirror
SELECT id, mask_hash(email) FROM staging.crm_customers;
