-- @owner crm
-- @description Emails listed per tumbling window
-- @expect reject mask

INSERT INTO sink.analytics_by_key
SELECT CAST(window_start AS STRING), LISTAGG(email)
FROM TABLE(TUMBLE(TABLE staging.crm_logins, DESCRIPTOR(ts), INTERVAL '1' MINUTE))
GROUP BY window_start, window_end;
