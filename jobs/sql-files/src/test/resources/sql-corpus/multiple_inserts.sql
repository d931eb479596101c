-- @owner corpus
-- @description Three inserts, one job
CREATE TEMPORARY TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '10');
CREATE TEMPORARY TABLE first_sink (id BIGINT) WITH ('connector' = 'blackhole');
CREATE TEMPORARY TABLE second_sink (id BIGINT) WITH ('connector' = 'blackhole');
INSERT INTO first_sink SELECT id FROM src; INSERT INTO second_sink SELECT id FROM src;
INSERT INTO first_sink
SELECT id * 2
FROM src;
