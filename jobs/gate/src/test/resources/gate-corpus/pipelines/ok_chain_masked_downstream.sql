-- @owner crm
-- @description Reads the restricted chain and hashes it into analytics
-- @expect pass

INSERT INTO sink.analytics_out SELECT id, mask_hash(v) FROM sink.restricted_chain;
