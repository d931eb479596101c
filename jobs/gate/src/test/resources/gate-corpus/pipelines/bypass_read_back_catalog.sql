-- @owner crm
-- @description Reads the restricted sink table of the catalog into analytics
-- @expect reject mask

INSERT INTO sink.analytics_out SELECT id, v FROM sink.restricted_out;
