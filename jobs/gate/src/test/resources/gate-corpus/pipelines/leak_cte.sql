-- @owner crm
-- @description Raw phone through a CTE
-- @expect reject mask

INSERT INTO sink.analytics_out
WITH contacts AS (SELECT id, phone AS p FROM staging.crm_customers)
SELECT id, p FROM contacts;
