-- @owner crm
-- @description Own JDBC sink matched by a jdbc identity pattern, e-mail hashed
-- @expect pass

CREATE TEMPORARY TABLE people (id BIGINT, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'jdbc', 'url' = 'jdbc:postgresql://10.0.0.1:5432/warehouse_db', 'table-name' = 'analytics_people'
);

INSERT INTO people SELECT id, mask_hash(email) FROM staging.crm_customers;
