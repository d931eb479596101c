-- @owner crm
-- @description Raw e-mail into the restricted chain topic (restricted allows raw)
-- @expect pass

INSERT INTO sink.restricted_chain SELECT id, email FROM staging.crm_customers;
