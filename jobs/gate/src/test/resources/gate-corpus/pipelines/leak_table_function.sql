-- @owner crm
-- @description Free-text notes split into words by a table function
-- @expect reject mask

CREATE TEMPORARY FUNCTION split_words AS 'dev.sluice.gate.CorpusFunctions$SplitWords';

INSERT INTO sink.analytics_out
SELECT n.id, w FROM staging.crm_notes AS n, LATERAL TABLE(split_words(n.body)) AS t(w);
