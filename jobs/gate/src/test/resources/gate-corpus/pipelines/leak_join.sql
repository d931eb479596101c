-- @owner crm
-- @description Card number joined to customers, raw
-- @expect reject mask

INSERT INTO sink.analytics_by_key
SELECT cu.country, ca.card_number
FROM staging.crm_customers AS cu JOIN staging.crm_cards AS ca ON ca.customer_id = cu.id;
