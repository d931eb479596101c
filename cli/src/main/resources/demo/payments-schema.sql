-- Sample operational database of the demo: a small payments service.
-- REPLICA IDENTITY FULL: updates and deletes carry the old row, as Sluice's ingest requires.
CREATE TABLE customers (
  id         bigserial PRIMARY KEY,
  name       text NOT NULL,
  email      text NOT NULL,
  phone      text,
  country    text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE cards (
  id          bigserial PRIMARY KEY,
  customer_id bigint NOT NULL,
  card_number text NOT NULL,
  brand       text NOT NULL,
  expiry      text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE TABLE payments (
  id         bigserial PRIMARY KEY,
  card_id    bigint NOT NULL,
  amount     numeric(12, 2) NOT NULL,
  currency   text NOT NULL,
  status     text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  updated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
ALTER TABLE customers REPLICA IDENTITY FULL;
ALTER TABLE cards REPLICA IDENTITY FULL;
ALTER TABLE payments REPLICA IDENTITY FULL;
