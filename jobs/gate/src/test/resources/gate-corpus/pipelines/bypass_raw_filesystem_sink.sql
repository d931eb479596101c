-- @owner crm
-- @description Raw login e-mails into files the pipeline declares
-- @expect reject unmapped-sink

CREATE TEMPORARY TABLE files (id BIGINT, v STRING) WITH ('connector' = 'filesystem', 'path' = 'file:///tmp/dump', 'format' = 'json');

INSERT INTO files SELECT customer_id, email FROM staging.crm_logins;
