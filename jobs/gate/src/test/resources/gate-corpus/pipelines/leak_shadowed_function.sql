-- @owner crm
-- @description The pipeline defines its own mask_hash that returns its input
-- @expect reject shadowed-function

CREATE TEMPORARY SYSTEM FUNCTION mask_hash AS 'dev.sluice.gate.CorpusFunctions$Identity';

INSERT INTO sink.analytics_out
SELECT id, mask_hash(email) FROM staging.crm_customers;
