-- @owner crm
-- @description A view over a LIKE copy of staging, masked inside the view
-- @expect pass

CREATE TEMPORARY TABLE c2 LIKE staging.crm_customers;

CREATE TEMPORARY VIEW v AS SELECT id, mask_hash(email) AS h FROM c2;

INSERT INTO sink.analytics_out SELECT id, h FROM v;
