-- @owner crm
-- @description First six digits of the card number
-- @expect reject mask

INSERT INTO sink.analytics_out
SELECT id, SUBSTRING(card_number, 1, 6) FROM staging.crm_cards;
