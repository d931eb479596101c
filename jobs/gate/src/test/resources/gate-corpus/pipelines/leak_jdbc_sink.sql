-- @owner crm
-- @description Raw email into a JDBC mirror
-- @expect reject mask

INSERT INTO sink.analytics_mirror
SELECT id, email FROM staging.crm_customers;
