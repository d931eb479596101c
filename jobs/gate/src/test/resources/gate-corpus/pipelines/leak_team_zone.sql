-- @owner growth
-- @description Growth writes to the partner zone
-- @expect reject team-zone

INSERT INTO sink.partner_out
SELECT id, country FROM staging.crm_customers;
