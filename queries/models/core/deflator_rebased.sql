-- name: core.deflator_rebased
-- depends: core.gdp_deflators
-- materialized: macro
-- description: Table macro: the GDP deflator of every financial year rebased so that the financial year base (e.g. '2024-25') = 100, with to_base, the factor that converts pounds of that year into prices of the base year (cash value * to_base = value in base-year prices, i.e. deflator(base) / deflator(year)). No rows when base is not a year of core.gdp_deflators.
CREATE OR REPLACE MACRO core.deflator_rebased(base) AS TABLE
    SELECT d.financial_year, d.period_start, d.period_end, b.financial_year AS base_year,
        100 * d.deflator / b.deflator AS deflator,
        b.deflator / d.deflator AS to_base,
        d.forecast, d.vintage
    FROM core.gdp_deflators AS d
    JOIN core.gdp_deflators AS b ON b.financial_year = base
    ORDER BY d.financial_year
