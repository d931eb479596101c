-- @owner crm
-- @description A consumer group hint on the clicks table
-- @expect pass

INSERT INTO sink.analytics_out
SELECT id, url FROM other.web_clicks /*+ OPTIONS('properties.group.id'='clicks-reader') */;
