-- @owner crm
-- @description Copies one dataset of a cycle (which carries raw e-mails around it) into analytics
-- @expect reject mask

CREATE TEMPORARY TABLE from_b (id BIGINT, v STRING, PRIMARY KEY (id) NOT ENFORCED) WITH (
  'connector' = 'upsert-kafka', 'topic' = 'restricted.cycle_b', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'key.format' = 'json', 'value.format' = 'json'
);

INSERT INTO sink.analytics_out SELECT id, v FROM from_b;
