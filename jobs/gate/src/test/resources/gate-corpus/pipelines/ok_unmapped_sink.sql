-- @owner crm
-- @description Unclassified columns may go to an unmapped sink
-- @expect pass

INSERT INTO sink.adhoc_out
SELECT id, country FROM staging.crm_customers;
