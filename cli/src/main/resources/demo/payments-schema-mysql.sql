-- The sample payments database on MySQL/MariaDB: the tables of payments-schema.sql with MySQL
-- types. The binary log (ROW, FULL row images) carries old rows of updates and deletes, so there is
-- no REPLICA IDENTITY to set.
CREATE TABLE customers (
  id         BIGINT AUTO_INCREMENT PRIMARY KEY,
  name       TEXT NOT NULL,
  email      TEXT NOT NULL,
  phone      TEXT,
  country    TEXT NOT NULL,
  created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
);
CREATE TABLE cards (
  id          BIGINT AUTO_INCREMENT PRIMARY KEY,
  customer_id BIGINT NOT NULL,
  card_number TEXT NOT NULL,
  brand       TEXT NOT NULL,
  expiry      TEXT NOT NULL,
  updated_at  TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
);
CREATE TABLE payments (
  id         BIGINT AUTO_INCREMENT PRIMARY KEY,
  card_id    BIGINT NOT NULL,
  amount     DECIMAL(12, 2) NOT NULL,
  currency   TEXT NOT NULL,
  status     TEXT NOT NULL,
  created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)
);
-- the traffic's statements stamp updates with PostgreSQL's clock_timestamp(); the same here
CREATE FUNCTION clock_timestamp() RETURNS TIMESTAMP(6) NOT DETERMINISTIC NO SQL RETURN SYSDATE(6);
