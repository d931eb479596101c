-- @owner crm
-- @description LIKE the harmless clicks table, overriding its topic with the cards topic
-- @expect reject mask

CREATE TEMPORARY TABLE c3 (card_number STRING)
WITH ('topic' = 'staging.crm.public.cards')
LIKE other.web_clicks (OVERWRITING OPTIONS);

INSERT INTO sink.analytics_out SELECT id, card_number FROM c3;
