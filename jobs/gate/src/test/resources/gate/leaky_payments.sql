-- @owner payments
-- @description The example pipeline with a leak: card numbers copied as is, emails concatenated
-- @parallelism 1

LOAD MODULE sluice;

INSERT INTO warehouse.payments.customers
SELECT id, 'mailto:' || email, mask_show_last_n(phone, 2), country, updated_at
FROM staging.payments_customers;

INSERT INTO warehouse.payments.cards
SELECT id, customer_id, card_number, brand, expiry, updated_at
FROM staging.payments_cards;
