CREATE TEMPORARY TABLE src (id BIGINT, kind STRING) WITH ('connector' = 'datagen');
CREATE TEMPORARY TABLE a (id BIGINT, label STRING) WITH ('connector' = 'blackhole');
CREATE TEMPORARY TABLE b (id BIGINT) WITH ('connector' = 'blackhole');
execute statement set begin
  insert into a select id, case when kind = 'x' then 'end;' else 'begin' end from src;
  insert into b select id from src where kind = ';';
end;
Execute Statement Set
BEGIN
  INSERT INTO a SELECT id, CASE kind WHEN 'a' THEN CASE WHEN id > 0 THEN 'p' END ELSE 'n' END FROM src;
END
