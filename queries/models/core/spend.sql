-- name: core.spend
-- depends: raw.mhclg_ro5, raw.mhclg_ro_time_series, raw.mhclg_ro_time_series_columns, core.areas
-- description: Council revenue outturn (MHCLG RO5) on every kept line (culture and heritage: archives, arts development, heritage, museums and galleries, theatres; recreation and sport; open spaces; tourism; library service; the cultural, environmental, planning and grand totals) and every measure C1-C9 the file publishes, one row per authority, financial year, line, measure and release vintage, in pounds: value_gbp is the published £ thousand times 1000, NULL (never zero) when the cell is blank, a marker or the authority did not submit, with value_note saying which. Rows come from every vintage of the per-authority RO5 workbooks (source_release 'ro5-<year>'); the multi-year time series (source_release 'ro-time-series') adds its RS and RSX culture lines for every year and its RO5 lines for years no workbook is held. is_latest marks the newest vintage of each release (highest load). area_code is the ONS code as published, or the register's area for the E-code when the file has none.
-- grain: area_code, ecode, financial_year, form, service_line, measure, source_release, vintage
-- test: unique(area_code, ecode, financial_year, form, service_line, measure, source_release, vintage)
-- test: not_null(financial_year, form, service_line, measure, status, source_release, vintage)
-- test: not_null(area_code) severity=warn
-- test: accepted_values(status: 'submitted', 'not submitted')
-- test: accepted_values(form: 'RO5', 'RS', 'RSX')
-- test: expect(value_gbp IS NOT NULL OR value_note IS NOT NULL)
-- test: expect(status = 'submitted' OR value_gbp IS NULL)
-- test: min_rows(1)
WITH ecodes AS (
    SELECT ecode, arg_max(area_code, coalesce(valid_from, DATE '1900-01-01')) AS area_code
    FROM core.areas WHERE ecode IS NOT NULL GROUP BY ecode
),
ons_ecodes AS (
    SELECT ons_code, arg_max(ecode, financial_year) AS ecode
    FROM raw.mhclg_ro5 WHERE ons_code IS NOT NULL GROUP BY ons_code
),
area_ecodes AS (
    SELECT area_code, any_value(ecode) AS ecode FROM core.areas WHERE ecode IS NOT NULL GROUP BY area_code
),
latest_load AS (
    SELECT _dataset, arg_max(_vintage, _load_id) AS vintage FROM raw.mhclg_ro5 GROUP BY _dataset
    UNION ALL
    SELECT _dataset, arg_max(_vintage, _load_id) FROM raw.mhclg_ro_time_series GROUP BY _dataset
),
workbook AS (
    SELECT
        CASE WHEN regexp_full_match(r.ons_code, 'E\d{8}') THEN r.ons_code ELSE e.area_code END AS area_code,
        r.ecode, r.la_name, r.financial_year, 'RO5' AS form, r.line AS service_line, r.service, r.measure,
        r.value_thousand * 1000 AS value_gbp, r.value_note, r.status,
        r._dataset AS source_release, r._vintage AS vintage, r._file AS source_file
    FROM raw.mhclg_ro5 AS r
    LEFT JOIN ecodes AS e ON e.ecode = r.ecode
    WHERE r.line IS NOT NULL
),
dictionary AS (
    SELECT column_name, arg_max(line, _load_id) AS line
    FROM raw.mhclg_ro_time_series_columns WHERE line IS NOT NULL GROUP BY column_name
),
series AS (
    SELECT
        t.ons_code AS area_code, coalesce(o.ecode, a.ecode) AS ecode, t.la_name, t.financial_year, t.form,
        d.line AS service_line, t.column_name AS service, coalesce(t.measure, t.measure_suffix) AS measure,
        t.value_thousand * 1000 AS value_gbp, t.value_note, t.status,
        t._dataset AS source_release, t._vintage AS vintage, t._file AS source_file
    FROM raw.mhclg_ro_time_series AS t
    JOIN dictionary AS d ON d.column_name = t.column_name
    LEFT JOIN ons_ecodes AS o ON o.ons_code = t.ons_code
    LEFT JOIN area_ecodes AS a ON a.area_code = t.ons_code
    WHERE t.form <> 'RO5' OR t.financial_year NOT IN (SELECT DISTINCT financial_year FROM raw.mhclg_ro5)
),
rows AS (
    SELECT * FROM workbook
    UNION ALL
    SELECT * FROM series
)
SELECT
    r.area_code, r.ecode, r.financial_year, r.form, r.service_line, r.measure, r.value_gbp, r.status,
    r.source_release, r.vintage,
    r.la_name, r.service, r.value_note, 'GBP' AS unit, r.source_file,
    r.vintage = l.vintage AS is_latest
FROM rows AS r
JOIN latest_load AS l ON l._dataset = r.source_release
