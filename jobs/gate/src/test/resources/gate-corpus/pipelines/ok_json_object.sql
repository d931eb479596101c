-- @owner crm
-- @description Hashed email packed into JSON
-- @expect pass

INSERT INTO sink.analytics_out
SELECT id, JSON_OBJECT('email' VALUE mask_hash(email), 'country' VALUE country) FROM staging.crm_customers;
