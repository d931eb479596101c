-- @owner crm
-- @description Raw login e-mails into an Iceberg table no policy entry maps
-- @expect reject unmapped-sink

CREATE TABLE IF NOT EXISTS ice.lake.dump (id BIGINT, v STRING);

INSERT INTO ice.lake.dump SELECT customer_id, email FROM staging.crm_logins;
