-- @owner crm
-- @description Email packed into JSON
-- @expect reject mask

INSERT INTO sink.analytics_out
SELECT id, JSON_OBJECT('email' VALUE email, 'country' VALUE country) FROM staging.crm_customers;
