-- @owner crm
-- @description Reads the pseudonymized topic downstream and copies it: it stays pseudonymized
-- @expect pass

CREATE TEMPORARY TABLE pseudo_in (id BIGINT, v STRING) WITH (
  'connector' = 'kafka', 'topic' = 'analytics.team.pseudo', 'properties.bootstrap.servers' = '${KAFKA_BOOTSTRAP_SERVERS}',
  'scan.startup.mode' = 'earliest-offset', 'format' = 'json'
);

INSERT INTO sink.analytics_out SELECT id, v FROM pseudo_in;
