-- @owner crm
-- @description Own JDBC table over the profiles table, home phone hashed
-- @expect pass

CREATE TEMPORARY TABLE prof (customer_id BIGINT, home_phone STRING) WITH (
  'connector' = 'jdbc', 'url' = 'jdbc:postgresql://127.0.0.1:1/never_connected', 'table-name' = 'profiles'
);

INSERT INTO sink.analytics_out SELECT customer_id, mask_hash(home_phone) FROM prof;
