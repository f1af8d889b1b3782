-- name: core.spend_source_agreement
-- depends: core.spend, raw.mhclg_ro_time_series, raw.mhclg_ro_time_series_columns
-- description: Where both the newest RO5 workbook of a year and the newest multi-year time series hold a value for the same authority, line and measure, the two side by side in pounds; agree is false when they differ by more than half a £ thousand. The time series' RO5 rows are read from raw because core.spend keeps them only for years without a workbook.
-- grain: area_code, financial_year, service_line, measure
-- test: unique(area_code, financial_year, service_line, measure)
-- test: not_null(area_code, financial_year, service_line, measure, agree)
-- test: expect(agree) severity=warn
WITH dictionary AS (
    SELECT column_name, arg_max(line, _load_id) AS line
    FROM raw.mhclg_ro_time_series_columns WHERE line IS NOT NULL GROUP BY column_name
),
series AS (
    SELECT t.ons_code AS area_code, t.financial_year, d.line AS service_line, t.measure, t.value_thousand * 1000 AS value_gbp,
        t._vintage AS vintage, t._file AS file
    FROM raw.mhclg_ro_time_series AS t
    JOIN dictionary AS d ON d.column_name = t.column_name
    WHERE t.form = 'RO5' AND t.measure IS NOT NULL AND t.value_thousand IS NOT NULL
      AND t._load_id = (SELECT max(_load_id) FROM raw.mhclg_ro_time_series)
),
workbook AS (
    SELECT area_code, financial_year, service_line, measure, value_gbp, vintage, source_file AS file
    FROM core.spend
    WHERE source_release LIKE 'ro5-%' AND is_latest AND value_gbp IS NOT NULL AND area_code IS NOT NULL
)
SELECT w.area_code, w.financial_year, w.service_line, w.measure,
    w.value_gbp AS workbook_gbp, s.value_gbp AS time_series_gbp, s.value_gbp - w.value_gbp AS difference_gbp,
    abs(s.value_gbp - w.value_gbp) <= 500 AS agree,
    w.file AS workbook_file, w.vintage AS workbook_vintage, s.file AS time_series_file, s.vintage AS time_series_vintage
FROM workbook AS w
JOIN series AS s USING (area_code, financial_year, service_line, measure)
