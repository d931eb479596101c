-- @owner crm
-- @description UNION ALL of masked branches
-- @expect pass

INSERT INTO sink.analytics_out
SELECT id, mask_hash(email) FROM staging.crm_customers WHERE country = 'DE'
UNION ALL
SELECT id, pseudonymize(email) FROM staging.crm_customers WHERE country <> 'DE';
