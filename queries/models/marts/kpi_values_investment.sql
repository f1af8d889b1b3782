-- name: marts.kpi_values_investment
-- depends: core.funding_awards, marts.kpi_spend_base, core.population, core.population_current, marts.kpi_catalogue
-- description: Investment KPIs per current council and financial year: CS-16 external cultural investment per head, CS-17 investment per £ of council net current expenditure on culture, heritage and libraries, CS-18 ACE investment per head against England (= 100). An award counts in a financial year in proportion to the days of its period (period_start to period_end) that fall in the year, so a three-year offer counts a third a year and nothing is counted twice. Arts Council England grants are taken from ACE's own releases; ACE grants re-published through 360Giving are left out when an ACE release is held, to avoid double counting. Awards not placed in a current council (unresolved, split areas, national) are left out and counted in coverage.
-- grain: kpi_id, area_code, period, boundary_basis
-- test: unique(kpi_id, area_code, period, boundary_basis)
-- test: not_null(kpi_id, area_code, period, boundary_basis, unit, coverage, sources)
-- test: relationships(kpi_id -> marts.kpi_catalogue.kpi_id)
WITH ace_held AS (
    SELECT count(*) > 0 AS held FROM core.funding_awards WHERE source IN ('ace-investment-programme', 'ace-project-grants')
),
awards AS (
    SELECT f.* FROM core.funding_awards AS f, ace_held
    WHERE f.amount_gbp IS NOT NULL AND f.period_start IS NOT NULL AND f.period_end >= f.period_start
      AND NOT (ace_held.held AND f.source = 'threesixtygiving' AND f.funder = 'Arts Council England')
),
years AS (
    SELECT DISTINCT y AS start_year, format('{}-{:02d}', y, (y + 1) % 100) AS financial_year,
        make_date(y, 4, 1) AS fy_start, make_date(y + 1, 3, 31) AS fy_end
    FROM awards, range(year(period_start - INTERVAL 3 MONTH), year(period_end - INTERVAL 3 MONTH) + 1) AS r(y)
),
shares AS (
    SELECT a.*, y.financial_year, y.start_year,
        a.amount_gbp * (date_diff('day', greatest(a.period_start, y.fy_start), least(a.period_end, y.fy_end)) + 1)
            / (date_diff('day', a.period_start, a.period_end) + 1) AS in_year
    FROM awards AS a
    JOIN years AS y ON a.period_start <= y.fy_end AND a.period_end >= y.fy_start
),
by_area AS (
    SELECT current_area_code AS area_code, financial_year, any_value(start_year) AS start_year,
        sum(in_year) AS investment,
        sum(in_year) FILTER (WHERE funder = 'Arts Council England') AS ace_investment,
        count(*) AS awards,
        string_agg(DISTINCT source || ' ' || release, '; ' ORDER BY source || ' ' || release) AS releases
    FROM shares WHERE current_area_code IS NOT NULL
    GROUP BY current_area_code, financial_year
),
totals AS (
    SELECT financial_year, sum(in_year) FILTER (WHERE funder = 'Arts Council England') AS ace_all,
        count(*) FILTER (WHERE current_area_code IS NULL) AS unplaced, count(*) AS all_awards
    FROM shares GROUP BY financial_year
),
england AS (
    SELECT year, population FROM core.population WHERE area_code = 'E92000001' AND is_latest
),
x AS (
    SELECT b.*, p.population, p.vintage AS population_vintage, s.culture_nce + s.library_nce AS council_nce,
        s.source_release || ' (' || s.vintage || ')' AS spend_release, t.ace_all, e.population AS england_population,
        format('{} awards placed; {} of {} awards in the year not placed in a current council', b.awards, t.unplaced, t.all_awards) AS coverage
    FROM by_area AS b
    JOIN totals AS t USING (financial_year)
    LEFT JOIN core.population_current AS p ON p.area_code = b.area_code AND p.year = b.start_year
    LEFT JOIN marts.kpi_spend_base AS s ON s.area_code = b.area_code AND s.financial_year = b.financial_year AND s.boundary_basis = 'current'
    LEFT JOIN england AS e ON e.year = b.start_year
),
kpis AS (
    SELECT 'CS-16' AS kpi_id, area_code, financial_year, investment AS num, population::DOUBLE AS den, 1.0 AS scale, coverage,
        releases || '; ons-population ' || coalesce(population_vintage, 'missing') AS sources, population_vintage
    FROM x
    UNION ALL
    SELECT 'CS-17', area_code, financial_year, investment, council_nce, 1.0, coverage,
        releases || '; mhclg-revenue-outturn ' || coalesce(spend_release, 'missing'), NULL
    FROM x
    UNION ALL
    SELECT 'CS-18', area_code, financial_year, ace_investment / population,
        ace_all / england_population, 100.0, coverage,
        releases || '; ons-population ' || coalesce(population_vintage, 'missing'), population_vintage
    FROM x
)
SELECT k.kpi_id, k.area_code, k.financial_year AS period,
    CASE WHEN k.den > 0 THEN k.num / k.den * k.scale END AS value,
    k.num AS numerator, k.den AS denominator, c.unit, 'current' AS boundary_basis, k.coverage, k.sources,
    k.population_vintage, false AS derived, NULL AS predecessors
FROM kpis AS k
JOIN marts.kpi_catalogue AS c USING (kpi_id)
