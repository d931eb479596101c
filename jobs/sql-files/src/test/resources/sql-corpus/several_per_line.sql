SET 'table.exec.mini-batch.enabled' = 'true'; RESET 'table.exec.mini-batch.enabled'; RESET;
USE CATALOG default_catalog; USE default_database;   SET 'pipeline.name' = 'a;b';
