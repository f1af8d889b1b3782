-- name: marts.kpi_values_real
-- depends: marts.kpi_spend_base, core.gdp_deflators, marts.kpi_catalogue, marts.kpi_applicability, marts.kpi_missing_reason
-- description: CS-06, the real-terms change in net current expenditure on culture, heritage and libraries since the baseline, per council on current boundaries: (NCE in the year ÷ GDP deflator of the year) ÷ (NCE in the baseline year ÷ its deflator) − 1, in per cent. The baseline is the first financial year held for the council with both lines reported and a deflator (2010-11 when loaded); numerator is the year's NCE at baseline-year prices, denominator the baseline NCE. sources names the outturn releases and the deflator vintage and base year. Councils only (marts.kpi_applicability); a baseline of £0 or less gives a NULL value with missing_reason.
-- grain: kpi_id, area_code, period, boundary_basis
-- test: unique(kpi_id, area_code, period, boundary_basis)
-- test: not_null(kpi_id, area_code, period, boundary_basis, unit, coverage, sources)
-- test: relationships(kpi_id -> marts.kpi_catalogue.kpi_id)
-- test: expect((value IS NULL) = (missing_reason IS NOT NULL))
WITH s AS (
    SELECT b.area_code, b.financial_year, b.culture_nce + b.library_nce AS nce, b.source_release, b.vintage,
        b.reporting, b.expected, d.deflator, d.vintage AS deflator_vintage, d.base_year
    FROM marts.kpi_spend_base AS b
    JOIN core.gdp_deflators AS d ON d.financial_year = b.financial_year
    WHERE b.boundary_basis = 'current' AND b.culture_nce IS NOT NULL AND b.library_nce IS NOT NULL
),
base AS (
    SELECT area_code, financial_year AS baseline, nce AS base_nce, deflator AS base_deflator
    FROM s
    QUALIFY row_number() OVER (PARTITION BY area_code ORDER BY financial_year) = 1
)
SELECT 'CS-06' AS kpi_id, s.area_code, s.financial_year AS period,
    CASE WHEN b.base_nce > 0 THEN 100 * ((s.nce / s.deflator) / (b.base_nce / b.base_deflator) - 1) END AS value,
    s.nce * b.base_deflator / s.deflator AS numerator, b.base_nce AS denominator,
    c.unit, 'current' AS boundary_basis,
    format('since {} (baseline); {} of {} authorities reported', b.baseline, s.reporting, s.expected) AS coverage,
    'mhclg-revenue-outturn ' || s.source_release || ' (' || s.vintage || '); hmt-gdp-deflators ' || s.deflator_vintage
        || ' (' || s.base_year || ' = 100)' AS sources,
    NULL AS population_vintage, s.reporting > 1 AS derived, NULL AS predecessors,
    marts.kpi_missing_reason(s.nce, b.base_nce, 'not reported: net current expenditure on culture, heritage and libraries',
        'not reported: baseline net current expenditure', 'zero denominator: baseline net current expenditure is £0') AS missing_reason,
    NULL::INTEGER AS population_year
FROM s
JOIN base AS b USING (area_code)
JOIN marts.kpi_catalogue AS c ON c.kpi_id = 'CS-06'
JOIN marts.kpi_applicability AS ap ON ap.kpi_id = 'CS-06' AND ap.area_code = s.area_code AND ap.applies
