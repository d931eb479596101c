-- @owner growth
-- @description Growth reads customers, which it may
-- @expect pass

INSERT INTO sink.analytics_out
SELECT id, mask_hash(email) FROM staging.crm_customers;
