-- @owner crm
-- @description Reads the restricted chain back and writes it raw to another restricted topic
-- @expect pass

CREATE TEMPORARY TABLE hop1 (id BIGINT, v STRING) WITH (
  'connector' = 'kafka', 'topic' = 'restricted.chain', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json'
);

CREATE TEMPORARY TABLE sink.restricted_chain2 (id BIGINT, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'restricted.chain2', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json', 'value.format' = 'json'
);

INSERT INTO sink.restricted_chain2 SELECT id, v FROM hop1;
