-- @owner interns
-- @description A team the policy does not know reads only data outside every dataset
-- @expect pass

INSERT INTO sink.adhoc_out
SELECT id, url FROM other.clicks;
