-- @owner crm
-- @description A datagen source into an unmapped topic: nothing classified
-- @expect pass

CREATE TEMPORARY TABLE gen (id BIGINT, v STRING) WITH ('connector' = 'datagen', 'number-of-rows' = '10');

CREATE TEMPORARY TABLE scratch (id BIGINT, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'scratch.generated', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json', 'value.format' = 'json'
);

INSERT INTO scratch SELECT id, v FROM gen;
