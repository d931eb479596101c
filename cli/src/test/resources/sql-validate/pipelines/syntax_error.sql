-- @owner shop
-- @description A typo
INSERT INTO warehouse.shop.orders
SELECT id, amount
  FORM staging.orders;
