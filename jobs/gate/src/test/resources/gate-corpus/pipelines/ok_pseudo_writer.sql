-- @owner crm
-- @description Pseudonymized e-mails into an analytics topic mapped by identity pattern
-- @expect pass

CREATE TEMPORARY TABLE pseudo (id BIGINT, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'analytics.team.pseudo', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json', 'value.format' = 'json'
);

INSERT INTO pseudo SELECT id, pseudonymize(email) FROM staging.crm_customers;
