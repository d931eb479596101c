-- @owner crm
-- @description Masked card numbers to a partner: the zone denies PAN
-- @expect reject deny

INSERT INTO sink.partner_out
SELECT id, mask_show_last_n(card_number, 4) FROM staging.crm_cards;
