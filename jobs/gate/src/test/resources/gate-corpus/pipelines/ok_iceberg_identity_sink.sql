-- @owner crm
-- @description Iceberg sink matched by an iceberg identity pattern, e-mail hashed
-- @expect pass

CREATE TABLE IF NOT EXISTS ice.lake.analytics_logins (id BIGINT, v STRING);

INSERT INTO ice.lake.analytics_logins SELECT customer_id, mask_hash(email) FROM staging.crm_logins;
