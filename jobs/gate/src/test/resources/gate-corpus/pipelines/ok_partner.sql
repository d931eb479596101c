-- @owner crm
-- @description Partner zone gets pseudonymized emails
-- @expect pass

INSERT INTO sink.partner_out
SELECT id, pseudonymize(email) FROM staging.crm_customers;
