-- @owner crm
-- @description Own JDBC table over the profiles table of the CRM database, raw home phone
-- @expect reject mask

CREATE TEMPORARY TABLE prof (customer_id BIGINT, home_phone STRING) WITH (
  'connector' = 'jdbc', 'url' = 'jdbc:postgresql://127.0.0.1:1/never_connected?ssl=false',
  'table-name' = 'public.profiles'
);

INSERT INTO sink.analytics_out SELECT customer_id, home_phone FROM prof;
