-- @owner crm
-- @description Alternative emails unnested and hashed
-- @expect pass

INSERT INTO sink.analytics_out
SELECT c.id, mask_hash(e) FROM staging.crm_customers AS c CROSS JOIN UNNEST(c.alt_emails) AS t(e);
