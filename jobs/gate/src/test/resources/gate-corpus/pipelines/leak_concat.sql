-- @owner crm
-- @description Email concatenated into a link
-- @expect reject mask

INSERT INTO sink.analytics_out
SELECT id, 'mailto:' || email FROM staging.crm_customers;
