-- @owner crm
-- @description VALUES into an unmapped topic
-- @expect pass

CREATE TEMPORARY TABLE scratch (id BIGINT, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'scratch.values', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json', 'value.format' = 'json'
);

INSERT INTO scratch VALUES (1, 'a'), (2, 'b');
