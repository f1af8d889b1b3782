-- name: core.gdp_deflators
-- depends: raw.hmt_gdp_deflators
-- description: HM Treasury GDP deflator at market prices for each financial year, from the newest release held (vintage 'YYYY-MM', the greatest vintage loaded): the index with its stated base year (base_year = 100), the per cent change on the previous year, money GDP in pounds, and whether the year is an OBR forecast (NULL when the release does not say). Years the release gives without an index level are left out. Convert pounds of year t to prices of year b with core.real_terms or core.deflator_rebased: value * deflator(b) / deflator(t).
-- grain: financial_year
-- test: unique(financial_year)
-- test: not_null(financial_year, period_start, period_end, deflator, base_year, vintage)
-- test: expect(deflator > 0)
-- test: expect(period_end = period_start + INTERVAL 1 YEAR - INTERVAL 1 DAY)
-- test: min_rows(1)
WITH newest AS (
    SELECT max(_vintage) AS vintage FROM raw.hmt_gdp_deflators WHERE deflator IS NOT NULL
)
SELECT
    r.financial_year,
    make_date(CAST(left(r.financial_year, 4) AS INTEGER), 4, 1) AS period_start,
    make_date(CAST(left(r.financial_year, 4) AS INTEGER) + 1, 3, 31) AS period_end,
    r.deflator,
    r.base_year,
    r.pct_change,
    r.money_gdp_gbp_million * 1000000 AS money_gdp_gbp,
    r.forecast,
    r._vintage AS vintage
FROM raw.hmt_gdp_deflators AS r
JOIN newest AS n ON r._vintage = n.vintage
WHERE r.deflator IS NOT NULL
