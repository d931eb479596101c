-- @owner crm
-- @description Hashed e-mails into the analytics sink, hinted onto an unmapped topic
-- @expect reject unmapped-sink

INSERT INTO sink.analytics_out /*+ OPTIONS('topic'='dump.hashed') */
SELECT id, mask_hash(email) FROM staging.crm_customers;
