-- name: marts.kpi_values_libraries
-- depends: core.library_activity, core.library_counts, marts.kpi_spend_base, core.population, marts.kpi_catalogue
-- description: Library KPIs per library authority and financial year (as constituted): CS-08 physical visits per 1,000 residents (library-only and co-located sites), CS-09 net cost per visit (RO5 library net current expenditure of the same year ÷ visits), CS-10 issues per 1,000 (all loan formats, all ages), CS-11 active members as a share of residents, CS-12 statutory static libraries open 10+ hours a week per 100,000 residents (Libraries Location Dataset year N shown as financial year N to N+1). Monthly and quarterly figures are summed as published, never spread; coverage says how many months of the year the visits and loans cover, so a year with gaps is visible.
-- grain: kpi_id, area_code, period, boundary_basis
-- test: unique(kpi_id, area_code, period, boundary_basis)
-- test: not_null(kpi_id, area_code, period, boundary_basis, unit, coverage, sources)
-- test: relationships(kpi_id -> marts.kpi_catalogue.kpi_id)
WITH activity AS (
    SELECT area_code, financial_year, any_value(release) AS release,
        sum(value) FILTER (WHERE measure = 'visits' AND age_band = 'total') AS visits,
        count(DISTINCT period_start) FILTER (WHERE measure = 'visits' AND age_band = 'total' AND period_type = 'month')
            + 3 * count(DISTINCT period_start) FILTER (WHERE measure = 'visits' AND age_band = 'total' AND period_type = 'quarter') AS visit_months,
        sum(value) FILTER (WHERE measure = 'loans' AND age_band = 'total') AS loans,
        count(DISTINCT period_start) FILTER (WHERE measure = 'loans' AND age_band = 'total' AND period_type = 'month')
            + 3 * count(DISTINCT period_start) FILTER (WHERE measure = 'loans' AND age_band = 'total' AND period_type = 'quarter') AS loan_months,
        sum(value) FILTER (WHERE measure = 'active_members' AND age_band = 'total' AND period_type = 'year') AS active_members
    FROM core.library_activity
    WHERE area_code IS NOT NULL
    GROUP BY area_code, financial_year
),
counts AS (
    SELECT area_code, format('{}-{:02d}', year, (year + 1) % 100) AS financial_year, year,
        sum(statutory_static_10h_plus) AS libraries_10h, any_value(release) AS release
    FROM core.library_counts
    WHERE area_code IS NOT NULL AND statutory_static_10h_plus IS NOT NULL
    GROUP BY area_code, year
),
pop AS (
    SELECT area_code, year, population, vintage FROM core.population WHERE is_latest
),
spend AS (
    SELECT area_code, financial_year, library_nce, source_release, vintage
    FROM marts.kpi_spend_base WHERE boundary_basis = 'as_constituted'
),
a AS (
    SELECT act.*, p.population, p.vintage AS population_vintage, s.library_nce,
        s.source_release || ' (' || s.vintage || ')' AS spend_release
    FROM activity AS act
    LEFT JOIN pop AS p ON p.area_code = act.area_code AND p.year = CAST(left(act.financial_year, 4) AS INTEGER)
    LEFT JOIN spend AS s ON s.area_code = act.area_code AND s.financial_year = act.financial_year
),
kpis AS (
    SELECT 'CS-08' AS kpi_id, area_code, financial_year, visits AS num, population::DOUBLE AS den, 1000.0 AS scale,
        format('{} of 12 months', visit_months) AS coverage,
        'ace-library-activity ' || release || '; ons-population ' || coalesce(population_vintage, 'missing') AS sources, population_vintage
    FROM a
    UNION ALL
    SELECT 'CS-09', area_code, financial_year, library_nce, visits, 1.0, format('{} of 12 months of visits', visit_months),
        'mhclg-revenue-outturn ' || coalesce(spend_release, 'missing') || '; ace-library-activity ' || release, NULL
    FROM a
    UNION ALL
    SELECT 'CS-10', area_code, financial_year, loans, population::DOUBLE, 1000.0, format('{} of 12 months', loan_months),
        'ace-library-activity ' || release || '; ons-population ' || coalesce(population_vintage, 'missing'), population_vintage
    FROM a
    UNION ALL
    SELECT 'CS-11', area_code, financial_year, active_members, population::DOUBLE, 100.0,
        CASE WHEN active_members IS NULL THEN 'not reported' ELSE 'year' END,
        'ace-library-activity ' || release || '; ons-population ' || coalesce(population_vintage, 'missing'), population_vintage
    FROM a
    UNION ALL
    SELECT 'CS-12', c.area_code, c.financial_year, c.libraries_10h, p.population::DOUBLE, 100000.0, 'latest opening hours',
        'ace-library-locations ' || c.release || '; ons-population ' || coalesce(p.vintage, 'missing'), p.vintage
    FROM counts AS c
    LEFT JOIN pop AS p ON p.area_code = c.area_code AND p.year = c.year
)
SELECT k.kpi_id, k.area_code, k.financial_year AS period,
    CASE WHEN k.den > 0 THEN k.num / k.den * k.scale END AS value,
    k.num AS numerator, k.den AS denominator, c.unit, 'as_constituted' AS boundary_basis, k.coverage, k.sources,
    k.population_vintage, false AS derived, NULL AS predecessors
FROM kpis AS k
JOIN marts.kpi_catalogue AS c USING (kpi_id)
