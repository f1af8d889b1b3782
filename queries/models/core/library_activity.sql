-- name: core.library_activity
-- depends: raw.ace_library_activity, core.resolve_area
-- description: ACE Libraries Activity Data in long form: one row per library service, measure, format, age band and period, from the newest release holding each financial year. Blank cells are not reported and have no row (never zero). A series whose figures all sit in quarter-end months (at least two of June, September, December, March) was entered quarterly, as ACE asked, and keeps its quarters (period_type 'quarter', period_start the quarter's first day); it is never spread over months. Authority names are resolved to GSS codes at the start of the financial year; a name that does not resolve keeps its row with a NULL area_code and says why in resolution.
-- grain: authority_name, library_service, measure, format, age_band, period_start, period_end
-- test: unique(authority_name, library_service, measure, format, age_band, period_start, period_end)
-- test: not_null(authority_name, library_service, financial_year, period_start, period_end, period_type, measure, format, age_band, value, resolution)
-- test: not_null(area_code) severity=warn
-- test: accepted_values(period_type: 'month', 'quarter', 'year', 'point')
-- test: accepted_values(age_band: 'total', 'under 12', '12-17', '18+', 'all ages')
-- test: expect(value >= 0)
-- test: expect(period_end >= period_start)
WITH latest AS (
    SELECT * FROM raw.ace_library_activity
    QUALIFY _load_id = max(_load_id) OVER (PARTITION BY financial_year)
),
series AS (
    SELECT _load_id, library_service, authority_name, measure, format, age_band,
        bool_and(month(period_start) IN (3, 6, 9, 12)) AND count(*) >= 2 AS quarterly
    FROM latest
    WHERE period_type = 'month'
    GROUP BY ALL
),
names AS (
    SELECT authority_name, financial_year,
        core.resolve_area(authority_name, make_date(CAST(left(financial_year, 4) AS INTEGER), 4, 1)) AS r
    FROM (SELECT DISTINCT authority_name, financial_year FROM latest)
)
SELECT
    n.r.area_code AS area_code,
    l.authority_name,
    l.library_service,
    l.financial_year,
    CASE WHEN s.quarterly THEN CAST(l.period_start - INTERVAL 2 MONTH AS DATE) ELSE l.period_start END AS period_start,
    l.period_end,
    CASE WHEN s.quarterly THEN 'quarter' ELSE l.period_type END AS period_type,
    l.measure,
    l.format,
    l.age_band,
    l.value,
    l.header AS source_column,
    n.r.how AS resolution,
    l._dataset || '@' || l._vintage AS release,
    l._file AS source_file,
    l._row AS source_row
FROM latest AS l
LEFT JOIN series AS s USING (_load_id, library_service, authority_name, measure, format, age_band)
JOIN names AS n USING (authority_name, financial_year)
