-- @owner crm
-- @description An OPTIONS hint that changes no identity key
-- @expect pass

INSERT INTO sink.analytics_out
SELECT id, mask_hash(email) FROM staging.crm_customers /*+ OPTIONS('scan.startup.mode'='latest-offset') */;
