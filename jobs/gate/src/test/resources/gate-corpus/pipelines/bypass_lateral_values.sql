-- @owner crm
-- @description CROSS JOIN LATERAL (VALUES (c.email)) moves the e-mail through a correlated row
-- @expect reject unprovable

INSERT INTO sink.analytics_out
SELECT c.id, v.e FROM staging.crm_customers AS c CROSS JOIN LATERAL (VALUES (c.email)) AS v(e);
