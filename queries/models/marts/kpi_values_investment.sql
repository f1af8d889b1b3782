-- name: marts.kpi_values_investment
-- depends: core.funding_awards, marts.kpi_spend_base, core.population_nearest, core.areas, marts.kpi_catalogue, marts.kpi_applicability, marts.kpi_missing_reason
-- description: Investment KPIs per current council and financial year: CS-16 external cultural investment per head, CS-17 investment per £ of council net current expenditure on culture, heritage and libraries, CS-18 ACE investment per head against England (= 100). An award published with an annual figure (the Investment Programme's annual offer) counts that published figure in each financial year of its programme (pro rata for a part year); any other award counts in a financial year in proportion to the days of its period (period_start to period_end) that fall in the year, so nothing is counted twice. Arts Council England grants are taken from ACE's own releases; ACE grants re-published through 360Giving are left out when an ACE release is held, to avoid double counting. Awards not placed in a current council (unresolved, split areas, national) are left out and counted in coverage; England's ACE investment per head (CS-18's denominator) sums the awards placed in England only, and coverage counts the ACE awards left out (placed in Wales, abroad or not placed). Residents are the ONS estimate for the mid-year the financial year starts in, else the nearest held within two years (core.population_nearest). Councils only (marts.kpi_applicability); a NULL value keeps its row with missing_reason.
-- grain: kpi_id, area_code, period, boundary_basis
-- test: unique(kpi_id, area_code, period, boundary_basis)
-- test: not_null(kpi_id, area_code, period, boundary_basis, unit, coverage, sources)
-- test: relationships(kpi_id -> marts.kpi_catalogue.kpi_id)
-- test: relationships(area_code -> core.areas.area_code)
-- test: expect(value IS NULL OR denominator > 0)
-- test: expect((value IS NULL) = (missing_reason IS NOT NULL))
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
        -- An award published with an annual figure (the Investment Programme's annual offer) counts
        -- that figure in each financial year it covers (a part year pro rata); any other award is
        -- spread over the days of its period.
        CASE WHEN a.annual_amount_gbp IS NOT NULL
            THEN a.annual_amount_gbp * (date_diff('day', greatest(a.period_start, y.fy_start), least(a.period_end, y.fy_end)) + 1)
                / (date_diff('day', y.fy_start, y.fy_end) + 1)
            ELSE a.amount_gbp * (date_diff('day', greatest(a.period_start, y.fy_start), least(a.period_end, y.fy_end)) + 1)
                / (date_diff('day', a.period_start, a.period_end) + 1)
        END AS in_year,
        ar.nation = 'England' AS in_england
    FROM awards AS a
    JOIN years AS y ON a.period_start <= y.fy_end AND a.period_end >= y.fy_start
    LEFT JOIN core.areas AS ar ON ar.area_code = a.area_code
),
by_area AS (
    SELECT current_area_code AS area_code, financial_year, any_value(start_year) AS start_year,
        sum(in_year) AS investment,
        coalesce(sum(in_year) FILTER (WHERE funder = 'Arts Council England'), 0) AS ace_investment,
        count(*) AS awards,
        string_agg(DISTINCT source || ' ' || release, '; ' ORDER BY source || ' ' || release) AS releases
    FROM shares WHERE current_area_code IS NOT NULL
    GROUP BY current_area_code, financial_year
),
totals AS (
    -- England's ACE investment counts awards placed in England only; those placed in Wales,
    -- abroad or nowhere are left out and counted for the coverage note.
    SELECT financial_year,
        sum(in_year) FILTER (WHERE funder = 'Arts Council England' AND in_england) AS ace_england,
        count(*) FILTER (WHERE funder = 'Arts Council England' AND in_england IS NOT true) AS ace_outside,
        count(*) FILTER (WHERE funder = 'Arts Council England') AS ace_awards,
        count(*) FILTER (WHERE current_area_code IS NULL) AS unplaced, count(*) AS all_awards
    FROM shares GROUP BY financial_year
),
england AS (
    SELECT year, population, population_year, vintage, nearest, nearest_held
    FROM core.population_nearest WHERE area_code = 'E92000001' AND basis = 'as_constituted'
),
x AS (
    SELECT b.*, p.population, p.vintage AS population_vintage, p.population_year,
        'ons-population ' || coalesce(p.vintage, 'missing')
            || CASE WHEN p.nearest AND p.population IS NOT NULL THEN format(' (mid-{} estimate, the nearest held to mid-{})', p.population_year, b.start_year) ELSE '' END AS pop_sources,
        CASE WHEN p.population IS NOT NULL THEN NULL
             WHEN p.area_code IS NULL THEN 'population missing: no ONS estimate held for the area'
             ELSE format('population missing: no estimate for mid-{} or within two years (nearest held: mid-{})', b.start_year, p.nearest_held) END AS pop_missing,
        s.culture_nce + s.library_nce AS council_nce,
        s.source_release || ' (' || s.vintage || ')' AS spend_release,
        CASE WHEN s.area_code IS NULL AND b.financial_year IN (SELECT financial_year FROM marts.kpi_spend_base)
                THEN 'not reported: no submitted RO5 return for ' || b.financial_year
             WHEN s.area_code IS NULL THEN 'source not loaded: mhclg-revenue-outturn for ' || b.financial_year
             ELSE 'not reported: the RO5 cells are ' || coalesce(s.missing_notes, 'blank') END AS spend_missing,
        t.ace_england, e.population AS england_population,
        CASE WHEN e.population IS NOT NULL THEN NULL
             ELSE format('population missing: no estimate for England (E92000001) for mid-{} or within two years', b.start_year) END AS england_missing,
        format('{} awards placed; {} of {} awards in the year not placed in a current council; the England total leaves out {} of {} Arts Council England awards, placed outside England or not placed',
            b.awards, t.unplaced, t.all_awards, t.ace_outside, t.ace_awards) AS coverage
    FROM by_area AS b
    JOIN totals AS t USING (financial_year)
    LEFT JOIN core.population_nearest AS p ON p.area_code = b.area_code AND p.basis = 'current' AND p.year = b.start_year
    LEFT JOIN marts.kpi_spend_base AS s ON s.area_code = b.area_code AND s.financial_year = b.financial_year AND s.boundary_basis = 'current'
    LEFT JOIN england AS e ON e.year = b.start_year
),
kpis AS (
    SELECT 'CS-16' AS kpi_id, area_code, financial_year, investment AS num, population::DOUBLE AS den, 1.0 AS scale, coverage,
        releases || '; ' || pop_sources AS sources, population_vintage, population_year,
        'not reported: no award amount' AS num_missing, pop_missing AS den_missing, 'zero denominator: the population is 0' AS zero_reason
    FROM x
    UNION ALL
    SELECT 'CS-17', area_code, financial_year, investment, council_nce, 1.0, coverage,
        releases || '; mhclg-revenue-outturn ' || coalesce(spend_release, 'missing'), NULL, NULL,
        'not reported: no award amount', spend_missing,
        'zero denominator: the council''s net current expenditure on culture, heritage and libraries is £0'
    FROM x
    UNION ALL
    SELECT 'CS-18', area_code, financial_year, ace_investment / population,
        ace_england / england_population, 100.0, coverage,
        releases || '; ' || pop_sources, population_vintage, population_year,
        pop_missing, coalesce(england_missing, 'not reported: no Arts Council England award placed in England in the year'),
        'zero denominator: no Arts Council England investment placed in England in the year'
    FROM x
)
SELECT k.kpi_id, k.area_code, k.financial_year AS period,
    CASE WHEN k.den > 0 THEN k.num / k.den * k.scale END AS value,
    k.num AS numerator, k.den AS denominator, c.unit, 'current' AS boundary_basis, k.coverage, k.sources,
    k.population_vintage, false AS derived, NULL AS predecessors,
    marts.kpi_missing_reason(k.num, k.den, k.num_missing, k.den_missing, k.zero_reason) AS missing_reason,
    k.population_year
FROM kpis AS k
JOIN marts.kpi_catalogue AS c USING (kpi_id)
JOIN marts.kpi_applicability AS ap ON ap.kpi_id = k.kpi_id AND ap.area_code = k.area_code AND ap.applies
