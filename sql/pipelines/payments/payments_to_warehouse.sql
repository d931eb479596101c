-- @owner payments
-- @description Customers, cards and payments into the Iceberg warehouse; card numbers keep only their last 4 digits, emails are hashed, phones show 2 digits
-- @parallelism 1
-- @checkpoint-interval 2 s

LOAD MODULE sluice;

-- All three INSERTs run as one job (one statement set).
INSERT INTO warehouse.payments.customers
SELECT id, mask_hash(email), mask_show_last_n(phone, 2), country, updated_at
FROM staging.payments_customers;

INSERT INTO warehouse.payments.cards
SELECT id, customer_id, mask_show_last_n(card_number, 4), brand, expiry, updated_at
FROM staging.payments_cards;

INSERT INTO warehouse.payments.payments
SELECT id, card_id, amount, currency, status, created_at, updated_at
FROM staging.payments_payments;
