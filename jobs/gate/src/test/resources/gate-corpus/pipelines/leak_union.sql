-- @owner crm
-- @description UNION ALL of a masked and an unmasked branch
-- @expect reject mask

INSERT INTO sink.analytics_out
SELECT id, mask_hash(email) FROM staging.crm_customers WHERE country = 'DE'
UNION ALL
SELECT id, email FROM staging.crm_customers WHERE country <> 'DE';
