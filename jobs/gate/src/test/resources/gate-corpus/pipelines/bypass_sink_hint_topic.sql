-- @owner crm
-- @description Raw card numbers into the restricted sink, hinted onto the analytics topic
-- @expect reject mask

INSERT INTO sink.restricted_out /*+ OPTIONS('topic'='analytics.out') */
SELECT id, card_number FROM staging.crm_cards;
