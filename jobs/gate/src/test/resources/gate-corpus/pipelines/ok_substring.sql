-- @owner crm
-- @description Substring of the masked card number
-- @expect pass

INSERT INTO sink.analytics_out
SELECT id, SUBSTRING(mask_show_last_n(card_number, 4), 1, 19) FROM staging.crm_cards;
