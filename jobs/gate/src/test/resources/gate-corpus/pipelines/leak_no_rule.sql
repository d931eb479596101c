-- @owner crm
-- @description Phone to partner: no rule covers it
-- @expect reject no-rule

INSERT INTO sink.partner_out
SELECT id, mask_hash(phone) FROM staging.crm_customers;
