-- @owner growth
-- @description Growth joins cards only to filter customers
-- @expect reject grant

INSERT INTO sink.analytics_out
SELECT cu.id, cu.country FROM staging.crm_customers AS cu
WHERE cu.id IN (SELECT customer_id FROM staging.crm_cards);
