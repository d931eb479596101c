INSERT INTO warehouse.shop.orders SELECT id, amount FROM staging.orders;
