-- @owner crm
-- @description Files under the mapped analytics path, e-mail hashed
-- @expect pass

CREATE TEMPORARY TABLE files (id BIGINT, v STRING) WITH ('connector' = 'filesystem', 'path' = 'file:///data/analytics/logins', 'format' = 'json');

INSERT INTO files SELECT customer_id, mask_hash(email) FROM staging.crm_logins;
