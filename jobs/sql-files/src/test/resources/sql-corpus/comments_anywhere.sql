/* A file that opens
   with a block comment; with a semicolon in it */
-- and a line comment; also with one
CREATE TEMPORARY TABLE src ( -- trailing comment; here
  id BIGINT, /* inline; */ name STRING
) WITH (
  'connector' = 'datagen' -- ; still a comment
);

/* between statements; */ -- and here;
CREATE TEMPORARY TABLE snk (id BIGINT, name STRING) WITH ('connector' = 'blackhole')
;
INSERT INTO snk
  -- a comment inside the statement; with a semicolon
  SELECT id, /* ; */ name
  FROM src
  WHERE name <> ';' -- last line of the statement
;
-- the last statement has no semicolon at all
SELECT 1
