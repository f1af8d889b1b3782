-- name: core.library_activity
-- depends: raw.ace_library_activity, core.resolve_area
-- description: ACE Libraries Activity Data in long form: one row per library service, measure, format, age band and period, from the newest release holding each financial year. Blank cells are not reported and have no row (never zero). Where a service left a total blank but filled its age-band columns for the same measure, format and period (under 12, 12-17, 18+ and, for events, all ages), the total is their sum with derived_from_parts true and source_column naming the columns summed; published totals have derived_from_parts false and parts_value, the sum of the age bands published beside them (NULL when none), so a total that disagrees with its parts is visible (warn test). A series whose figures all sit in quarter-end months (at least two of June, September, December, March) was entered quarterly, as ACE asked, and keeps its quarters (period_type 'quarter', period_start the quarter's first day); it is never spread over months. Authority names are resolved to GSS codes at the start of the financial year; a name that does not resolve keeps its row with a NULL area_code and says why in resolution.
-- grain: authority_name, library_service, measure, format, age_band, period_start, period_end
-- test: unique(authority_name, library_service, measure, format, age_band, period_start, period_end)
-- test: not_null(authority_name, library_service, financial_year, period_start, period_end, period_type, measure, format, age_band, value, resolution, derived_from_parts)
-- test: not_null(area_code) severity=warn
-- test: accepted_values(period_type: 'month', 'quarter', 'year', 'point')
-- test: accepted_values(age_band: 'total', 'under 12', '12-17', '18+', 'all ages')
-- test: expect(value >= 0)
-- test: expect(period_end >= period_start)
-- test: expect(NOT derived_from_parts OR age_band = 'total')
-- test: expect(derived_from_parts OR parts_value IS NULL OR abs(value - parts_value) < 0.5) severity=warn
WITH latest AS (
    SELECT * FROM raw.ace_library_activity
    QUALIFY _load_id = max(_load_id) OVER (PARTITION BY financial_year)
),
parts AS (
    SELECT _load_id, _dataset, _vintage, library_service, authority_name, financial_year, measure, format,
        period_type, period_label, period_start, period_end,
        sum(value) FILTER (WHERE age_band <> 'total') AS parts_value,
        count(*) FILTER (WHERE age_band <> 'total') AS parts,
        bool_or(age_band = 'total') AS has_total,
        string_agg(header, ' + ' ORDER BY header) FILTER (WHERE age_band <> 'total') AS part_columns,
        any_value(_file) AS _file, any_value(_sheet) AS _sheet, any_value(_row) AS _row
    FROM latest
    GROUP BY ALL
),
filled AS (
    SELECT l.*, false AS derived_from_parts, CASE WHEN l.age_band = 'total' THEN p.parts_value END AS parts_value
    FROM latest AS l
    LEFT JOIN parts AS p USING (_load_id, library_service, authority_name, measure, format, period_type, period_start, period_end)
    UNION ALL BY NAME
    SELECT _load_id, _dataset, _vintage, _file, _sheet, _row, library_service, authority_name, financial_year,
        'sum of ' || part_columns AS header, measure, format, 'total' AS age_band, period_type, period_label,
        period_start, period_end, parts_value AS value, true AS derived_from_parts, NULL AS parts_value
    FROM parts
    WHERE NOT has_total AND parts > 0
),
series AS (
    SELECT _load_id, library_service, authority_name, measure, format, age_band,
        bool_and(month(period_start) IN (3, 6, 9, 12)) AND count(*) >= 2 AS quarterly
    FROM filled
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
    l.derived_from_parts,
    l.parts_value,
    l.header AS source_column,
    n.r.how AS resolution,
    l._dataset || '@' || l._vintage AS release,
    l._file AS source_file,
    l._row AS source_row
FROM filled AS l
LEFT JOIN series AS s USING (_load_id, library_service, authority_name, measure, format, age_band)
JOIN names AS n USING (authority_name, financial_year)
