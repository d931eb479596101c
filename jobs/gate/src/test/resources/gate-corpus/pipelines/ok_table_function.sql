-- @owner crm
-- @description Words of redacted notes
-- @expect pass

CREATE TEMPORARY FUNCTION split_words AS 'dev.sluice.gate.CorpusFunctions$SplitWords';

INSERT INTO sink.analytics_out
SELECT n.id, w FROM staging.crm_notes AS n, LATERAL TABLE(split_words(redact(n.body))) AS t(w);
