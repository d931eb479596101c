-- @owner interns
-- @description A team the policy does not know reads customers
-- @expect reject grant

INSERT INTO sink.analytics_out
SELECT id, country FROM staging.crm_customers;
