-- @owner crm
-- @description A sink hint that changes no identity key
-- @expect pass

INSERT INTO sink.analytics_out /*+ OPTIONS('sink.parallelism'='1') */
SELECT id, mask_hash(email) FROM staging.crm_customers;
