-- @owner growth
-- @description Growth reads cards, which it has no grant for
-- @expect reject grant

INSERT INTO sink.analytics_out
SELECT ca.id, ca.brand FROM staging.crm_cards AS ca;
