-- @owner crm
-- @description A JDBC table whose URL has no host or database
-- @expect reject identity

CREATE TEMPORARY TABLE j (id BIGINT, v STRING) WITH ('connector' = 'jdbc', 'url' = 'jdbc:postgresql:crm', 'table-name' = 'people');

INSERT INTO sink.analytics_out SELECT id, v FROM j;
