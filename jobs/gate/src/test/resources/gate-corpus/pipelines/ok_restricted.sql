-- @owner crm
-- @description Restricted zone may hold raw card numbers
-- @expect pass

INSERT INTO sink.restricted_out
SELECT id, card_number FROM staging.crm_cards;
