-- @owner crm
-- @description The email is the length argument, not the masked value
-- @expect reject mask

INSERT INTO sink.analytics_out
SELECT id, mask_show_last_n(phone, CHAR_LENGTH(email)) FROM staging.crm_customers;
