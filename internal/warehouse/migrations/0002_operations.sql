-- Operations: why a load failed, in one word, and which overdue release a stale notification was
-- last sent for. Every statement is idempotent.

-- meta.loads.reason: html_page, empty_file, row_collapse, older_release, wrong_format, layout,
-- invalid, no_vintage, nothing_published, transient, http_status, interrupted, warehouse_busy or error
-- (sources.Reason); NULL for loads that did not fail.
ALTER TABLE meta.loads ADD COLUMN IF NOT EXISTS reason VARCHAR;

-- meta.source_state.stale_notified_for: the expected date of the release the last "stale"
-- notification was about, so one is sent per overdue release rather than on every check.
ALTER TABLE meta.source_state ADD COLUMN IF NOT EXISTS stale_notified_for DATE;
