-- @owner crm
-- @description A statement set whose INSERTs all mask
-- @expect pass

EXECUTE STATEMENT SET BEGIN
INSERT INTO sink.analytics_out SELECT id, mask_hash(email) FROM staging.crm_customers;
INSERT INTO sink.analytics_by_key SELECT CAST(id AS STRING), mask_show_last_n(card_number, 4) FROM staging.crm_cards;
END;
