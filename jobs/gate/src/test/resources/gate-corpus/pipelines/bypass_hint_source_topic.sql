-- @owner crm
-- @description OPTIONS hint points the harmless click table at the staging customers topic
-- @expect reject mask

INSERT INTO sink.analytics_out
SELECT id, url FROM other.web_clicks /*+ OPTIONS('topic'='staging.crm.public.customers') */;
