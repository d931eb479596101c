-- @owner crm
-- @description Shows 8 digits where the rule allows 4
-- @expect reject mask

INSERT INTO sink.analytics_out
SELECT id, mask_show_last_n(card_number, 8) FROM staging.crm_cards;
