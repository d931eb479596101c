-- @owner crm
-- @description Hashed emails listed and logins counted per tumbling window
-- @expect pass

INSERT INTO sink.analytics_by_key
SELECT CAST(window_start AS STRING), LISTAGG(mask_hash(email)) || '/' || CAST(COUNT(*) AS STRING)
FROM TABLE(TUMBLE(TABLE staging.crm_logins, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end;
