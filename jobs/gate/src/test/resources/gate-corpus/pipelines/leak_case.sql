-- @owner crm
-- @description CASE returns the raw email on one branch
-- @expect reject mask

INSERT INTO sink.analytics_out
SELECT id, CASE WHEN country = 'DE' THEN mask_hash(email) ELSE email END
FROM staging.crm_customers;
