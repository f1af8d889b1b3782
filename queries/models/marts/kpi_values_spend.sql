-- name: marts.kpi_values_spend
-- depends: marts.kpi_spend_base, core.population_nearest, marts.kpi_catalogue, marts.kpi_applicability, marts.kpi_missing_reason, core.areas
-- description: Spend KPIs (CS-01, CS-02, CS-03, CS-04, CS-07) per area, financial year and boundary basis, from marts.kpi_spend_base, for the authorities each KPI applies to (marts.kpi_applicability: councils; CS-02 library authorities only, so no district and no place total). Per head divides by the ONS mid-year estimate for the year the financial year starts in (mid-2024 for 2024-25), else the nearest held within two years (core.population_nearest; population_year says which, sources says so): as constituted, the authority's own estimate; on current boundaries, the current council's; for a two-tier place, the county's. A figure is NULL, with the row kept and missing_reason saying why, when a needed line was not reported, the population is missing or the denominator is zero (CS-07 of an authority with no culture or library expenditure).
-- grain: kpi_id, area_code, period, boundary_basis
-- test: unique(kpi_id, area_code, period, boundary_basis)
-- test: not_null(kpi_id, area_code, period, boundary_basis, unit, coverage, sources)
-- test: relationships(kpi_id -> marts.kpi_catalogue.kpi_id)
-- test: relationships(area_code -> core.areas.area_code)
-- test: expect(value IS NULL OR denominator > 0)
-- test: expect((value IS NULL) = (missing_reason IS NOT NULL))
WITH base AS (
    SELECT b.*, CAST(left(b.financial_year, 4) AS INTEGER) AS pop_year FROM marts.kpi_spend_base AS b
),
measures AS (
    SELECT b.*, p.population, p.vintage AS population_vintage, p.population_year,
        'mhclg-revenue-outturn ' || b.source_release || ' (' || b.vintage || ')' AS spend_sources,
        '; ons-population ' || coalesce(p.vintage, 'missing')
            || CASE WHEN p.nearest AND p.population IS NOT NULL THEN format(' (mid-{} estimate, the nearest held to mid-{})', p.population_year, b.pop_year) ELSE '' END AS pop_sources,
        CASE WHEN p.population IS NOT NULL THEN NULL
             WHEN p.nearest_held IS NULL THEN 'population missing: no ONS estimate held for the area'
             ELSE format('population missing: no estimate for mid-{} or within two years (nearest held: mid-{})', b.pop_year, p.nearest_held) END AS pop_missing,
        'not reported: the RO5 cells are ' || coalesce(b.missing_notes, 'blank') AS line_missing,
        CASE WHEN b.expected > b.reporting THEN format('partial: {} of {} authorities reported', b.reporting, b.expected)
             WHEN b.derived THEN format('complete: {} authorities summed ({})', b.reporting, b.method)
             ELSE 'complete' END AS coverage
    FROM base AS b
    LEFT JOIN core.population_nearest AS p
        ON p.area_code = b.area_code AND p.year = b.pop_year
       AND p.basis = CASE WHEN b.boundary_basis = 'current' THEN 'current' ELSE 'as_constituted' END
),
kpis AS (
    SELECT 'CS-01' AS kpi_id, *, culture_nce AS num, population::DOUBLE AS den, 1.0 AS scale, true AS per_head,
        pop_missing AS den_missing, NULL AS zero_reason FROM measures
    UNION ALL SELECT 'CS-02', *, library_nce, population::DOUBLE, 1.0, true, pop_missing, NULL FROM measures WHERE boundary_basis <> 'place'
    UNION ALL SELECT 'CS-03', *, culture_nce + library_nce, population::DOUBLE * 52, 100.0, true, pop_missing, NULL FROM measures
    UNION ALL SELECT 'CS-04', *, broad_nce, population::DOUBLE, 1.0, true, pop_missing, NULL FROM measures
    UNION ALL SELECT 'CS-07', *, culture_income, culture_expenditure, 100.0, false, line_missing,
        'zero denominator: no expenditure on culture, heritage or libraries (RO5 C3 is £0)' FROM measures
)
SELECT k.kpi_id, k.area_code, k.financial_year AS period,
    CASE WHEN k.den > 0 THEN k.num / k.den * k.scale END AS value,
    k.num AS numerator, k.den AS denominator, c.unit, k.boundary_basis, k.coverage,
    k.spend_sources || CASE WHEN k.per_head THEN k.pop_sources ELSE '' END AS sources,
    CASE WHEN k.per_head THEN k.population_vintage END AS population_vintage, k.derived, k.predecessors,
    marts.kpi_missing_reason(k.num, k.den, k.line_missing, k.den_missing, k.zero_reason) AS missing_reason,
    CASE WHEN k.per_head THEN k.population_year END AS population_year
FROM kpis AS k
JOIN marts.kpi_catalogue AS c USING (kpi_id)
JOIN marts.kpi_applicability AS ap ON ap.kpi_id = k.kpi_id AND ap.area_code = k.area_code AND ap.applies
