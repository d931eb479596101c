-- @owner crm
-- @description Alternative emails unnested raw
-- @expect reject mask

INSERT INTO sink.analytics_out
SELECT c.id, e FROM staging.crm_customers AS c CROSS JOIN UNNEST(c.alt_emails) AS t(e);
