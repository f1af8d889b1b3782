-- name: core.local_returns
-- depends: raw.local_returns, core.resolve_area
-- description: Figures councils returned themselves (usage template), long form: one row per area, period, measure and site from the latest submission (a later submitted_at, then a later load, supersedes an earlier return of the same figure), with who submitted it, when, and from which file. area_code is the submitted code resolved to a GSS code (E-codes too); NULL with the reason in resolution when it names no known council.
-- grain: submitted_code, period_start, period_end, measure, site
-- test: unique(submitted_code, period_start, period_end, measure, site)
-- test: not_null(submitted_code, period_start, period_end, measure, value, unit, submitted_by, submitted_at, source_file, resolution)
-- test: not_null(area_code) severity=warn
-- test: expect(period_end >= period_start)
-- test: expect(value >= 0)
WITH latest AS (
    SELECT * FROM raw.local_returns
    QUALIFY row_number() OVER (PARTITION BY area_code, period_start, period_end, measure, coalesce(site, '')
        ORDER BY submitted_at DESC, _load_id DESC) = 1
),
codes AS (
    SELECT area_code, period_start, core.resolve_area(area_code, period_start) AS r
    FROM (SELECT DISTINCT area_code, period_start FROM latest)
)
SELECT
    c.r.area_code AS area_code,
    l.area_code AS submitted_code,
    l.period_start,
    l.period_end,
    l.measure,
    l.value,
    l.unit,
    coalesce(l.site, '') AS site,
    l.notes,
    l.submitted_by,
    l.submitter_email,
    l.submitted_at,
    l._file AS source_file,
    l._row AS source_row,
    l._dataset || '@' || l._vintage AS release,
    l._load_id AS load_id,
    c.r.how AS resolution
FROM latest AS l
JOIN codes AS c USING (area_code, period_start)
