-- @owner crm
-- @description CASE masks on every branch; the condition only picks the branch
-- @expect pass

INSERT INTO sink.analytics_out
SELECT id, CASE WHEN country = 'DE' THEN mask_hash(email) ELSE 'unknown' END
FROM staging.crm_customers;
