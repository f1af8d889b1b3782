-- name: marts.kpi_values_spend
-- depends: marts.kpi_spend_base, core.population, core.population_current, marts.kpi_catalogue
-- description: Spend KPIs (CS-01, CS-02, CS-03, CS-04, CS-07) per area, financial year and boundary basis, from marts.kpi_spend_base. Per head divides by the ONS mid-year estimate for the year the financial year starts in (mid-2024 for 2024-25), from the vintage named in population_vintage: as constituted, the newest estimate for the authority; on current boundaries, core.population_current; for a two-tier place, the county's population. A figure is NULL, with the row kept, when a needed line was not reported.
-- grain: kpi_id, area_code, period, boundary_basis
-- test: unique(kpi_id, area_code, period, boundary_basis)
-- test: not_null(kpi_id, area_code, period, boundary_basis, unit, coverage, sources)
-- test: relationships(kpi_id -> marts.kpi_catalogue.kpi_id)
-- test: expect(denominator > 0 OR denominator IS NULL)
WITH base AS (
    SELECT b.*, CAST(left(b.financial_year, 4) AS INTEGER) AS pop_year FROM marts.kpi_spend_base AS b
),
pop AS (
    SELECT b.area_code, b.financial_year, b.boundary_basis,
        coalesce(pc.population, p.population) AS population,
        coalesce(pc.vintage, p.vintage) AS population_vintage
    FROM base AS b
    LEFT JOIN core.population AS p
        ON b.boundary_basis IN ('as_constituted', 'place') AND p.area_code = b.area_code AND p.year = b.pop_year AND p.is_latest
    LEFT JOIN core.population_current AS pc
        ON b.boundary_basis = 'current' AND pc.area_code = b.area_code AND pc.year = b.pop_year
),
measures AS (
    SELECT b.*, pop.population, pop.population_vintage,
        'mhclg-revenue-outturn ' || b.source_release || ' (' || b.vintage || '); ons-population ' || coalesce(pop.population_vintage, 'missing') AS sources,
        CASE WHEN b.expected > b.reporting THEN format('partial: {} of {} authorities reported', b.reporting, b.expected)
             WHEN b.derived THEN format('complete: {} authorities summed ({})', b.reporting, b.method)
             ELSE 'complete' END AS coverage
    FROM base AS b
    JOIN pop USING (area_code, financial_year, boundary_basis)
),
kpis AS (
    SELECT 'CS-01' AS kpi_id, *, culture_nce AS num, population::DOUBLE AS den, 1.0 AS scale FROM measures
    UNION ALL SELECT 'CS-02', *, library_nce, population::DOUBLE, 1.0 FROM measures WHERE boundary_basis <> 'place'
    UNION ALL SELECT 'CS-03', *, culture_nce + library_nce, population::DOUBLE * 52, 100.0 FROM measures
    UNION ALL SELECT 'CS-04', *, broad_nce, population::DOUBLE, 1.0 FROM measures
    UNION ALL SELECT 'CS-07', *, culture_income, culture_expenditure, 100.0 FROM measures
)
SELECT k.kpi_id, k.area_code, k.financial_year AS period,
    CASE WHEN k.den > 0 THEN k.num / k.den * k.scale END AS value,
    k.num AS numerator, k.den AS denominator, c.unit, k.boundary_basis, k.coverage, k.sources,
    k.population_vintage, k.derived, k.predecessors
FROM kpis AS k
JOIN marts.kpi_catalogue AS c USING (kpi_id)
