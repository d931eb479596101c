-- @owner crm
-- @description A catalog function named like a masking function: module functions resolve first, but the name is refused
-- @expect reject shadowed-function

CREATE TEMPORARY FUNCTION pseudonymize AS 'dev.sluice.gate.CorpusFunctions$Identity';

INSERT INTO sink.analytics_out
SELECT id, pseudonymize(email) FROM staging.crm_customers;
