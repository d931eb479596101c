-- @owner crm
-- @description Card number joined to customers, last 4 digits
-- @expect pass

INSERT INTO sink.analytics_by_key
SELECT cu.country, mask_show_last_n(ca.card_number, 4)
FROM staging.crm_customers AS cu JOIN staging.crm_cards AS ca ON ca.customer_id = cu.id;
