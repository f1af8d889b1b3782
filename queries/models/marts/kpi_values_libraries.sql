-- name: marts.kpi_values_libraries
-- depends: core.library_activity, core.library_counts, core.library_plausibility, marts.kpi_spend_base, core.population_nearest, marts.kpi_catalogue, marts.kpi_applicability, marts.kpi_missing_reason, core.areas
-- description: Library KPIs per library authority and financial year (as constituted): CS-08 physical visits per 1,000 residents (library-only and co-located sites), CS-09 net cost per visit (RO5 library net current expenditure of the same year ÷ visits), CS-10 issues per 1,000 (all loan formats, all ages), CS-11 active members as a share of residents, CS-12 statutory static libraries open 10+ hours a week per 100,000 residents (Libraries Location Dataset year N shown as financial year N to N+1). Monthly and quarterly figures are summed as published, never spread; coverage says how many months of the year the visits and loans cover, so a year with gaps is visible. Library authorities only (marts.kpi_applicability). Residents are the ONS estimate for the mid-year the financial year starts in, else the nearest held within two years (core.population_nearest; population_year and sources say which). A NULL value keeps its row with missing_reason saying which input is missing. quality_flag names the figures of the authority's return for the year that exceed their plausibility ceiling (core.library_plausibility): the value is kept and flagged, never dropped or corrected.
-- grain: kpi_id, area_code, period, boundary_basis
-- test: unique(kpi_id, area_code, period, boundary_basis)
-- test: not_null(kpi_id, area_code, period, boundary_basis, unit, coverage, sources)
-- test: relationships(kpi_id -> marts.kpi_catalogue.kpi_id)
-- test: relationships(area_code -> core.areas.area_code)
-- test: expect(value IS NULL OR denominator > 0)
-- test: expect((value IS NULL) = (missing_reason IS NOT NULL))
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
    SELECT area_code, year, population, vintage, population_year, nearest,
        'ons-population ' || coalesce(vintage, 'missing')
            || CASE WHEN nearest AND population IS NOT NULL THEN format(' (mid-{} estimate, the nearest held to mid-{})', population_year, year) ELSE '' END AS pop_sources,
        CASE WHEN population IS NOT NULL THEN NULL
             ELSE format('population missing: no estimate for mid-{} or within two years (nearest held: mid-{})', year, nearest_held) END AS pop_missing
    FROM core.population_nearest WHERE basis = 'as_constituted'
),
spend AS (
    SELECT area_code, financial_year, library_nce, source_release, vintage, missing_notes
    FROM marts.kpi_spend_base WHERE boundary_basis = 'as_constituted'
),
flags AS (
    SELECT area_code, financial_year,
        'implausible figures kept in this return (core.library_plausibility): ' || string_agg(
            format('{}: {:,} above the ceiling of {:,} ({})', label, value::BIGINT, ceiling::BIGINT, ceiling_rule),
            '; ' ORDER BY measure, period_start, format, age_band) AS quality_flag
    FROM core.library_plausibility
    WHERE NOT plausible AND area_code IS NOT NULL
    GROUP BY area_code, financial_year
),
a AS (
    SELECT act.*, p.population, p.vintage AS population_vintage, p.population_year,
        coalesce(p.pop_sources, 'ons-population missing') AS pop_sources,
        CASE WHEN p.area_code IS NULL THEN 'population missing: no ONS estimate held for the area' ELSE p.pop_missing END AS pop_missing,
        s.library_nce, s.source_release || ' (' || s.vintage || ')' AS spend_release,
        CASE WHEN s.area_code IS NULL AND act.financial_year IN (SELECT financial_year FROM marts.kpi_spend_base)
                THEN 'not reported: no submitted RO5 return for ' || act.financial_year
             WHEN s.area_code IS NULL THEN 'source not loaded: mhclg-revenue-outturn for ' || act.financial_year
             ELSE 'not reported: the RO5 library cells are ' || coalesce(s.missing_notes, 'blank') END AS spend_missing,
        f.quality_flag
    FROM activity AS act
    LEFT JOIN pop AS p ON p.area_code = act.area_code AND p.year = CAST(left(act.financial_year, 4) AS INTEGER)
    LEFT JOIN spend AS s ON s.area_code = act.area_code AND s.financial_year = act.financial_year
    LEFT JOIN flags AS f ON f.area_code = act.area_code AND f.financial_year = act.financial_year
),
kpis AS (
    SELECT 'CS-08' AS kpi_id, area_code, financial_year, visits AS num, population::DOUBLE AS den, 1000.0 AS scale,
        format('{} of 12 months', visit_months) AS coverage,
        'ace-library-activity ' || release || '; ' || pop_sources AS sources, population_vintage, population_year,
        'not reported: no physical visits in the return' AS num_missing, pop_missing AS den_missing, NULL AS zero_reason, quality_flag
    FROM a
    UNION ALL
    SELECT 'CS-09', area_code, financial_year, library_nce, visits, 1.0, format('{} of 12 months of visits', visit_months),
        'mhclg-revenue-outturn ' || coalesce(spend_release, 'missing') || '; ace-library-activity ' || release, NULL, NULL,
        spend_missing, 'not reported: no physical visits in the return', 'zero denominator: the return gives no physical visits', quality_flag
    FROM a
    UNION ALL
    SELECT 'CS-10', area_code, financial_year, loans, population::DOUBLE, 1000.0, format('{} of 12 months', loan_months),
        'ace-library-activity ' || release || '; ' || pop_sources, population_vintage, population_year,
        'not reported: no issues in the return', pop_missing, NULL, quality_flag
    FROM a
    UNION ALL
    SELECT 'CS-11', area_code, financial_year, active_members, population::DOUBLE, 100.0,
        CASE WHEN active_members IS NULL THEN 'not reported' ELSE 'year' END,
        'ace-library-activity ' || release || '; ' || pop_sources, population_vintage, population_year,
        'not reported: no total active members in the return', pop_missing, NULL, quality_flag
    FROM a
    UNION ALL
    SELECT 'CS-12', c.area_code, c.financial_year, c.libraries_10h, p.population::DOUBLE, 100000.0, 'latest opening hours',
        'ace-library-locations ' || c.release || '; ' || coalesce(p.pop_sources, 'ons-population missing'), p.vintage, p.population_year,
        'not reported: no opening hours',
        CASE WHEN p.area_code IS NULL THEN 'population missing: no ONS estimate held for the area' ELSE p.pop_missing END, NULL, NULL
    FROM counts AS c
    LEFT JOIN pop AS p ON p.area_code = c.area_code AND p.year = c.year
)
SELECT k.kpi_id, k.area_code, k.financial_year AS period,
    CASE WHEN k.den > 0 THEN k.num / k.den * k.scale END AS value,
    k.num AS numerator, k.den AS denominator, c.unit, 'as_constituted' AS boundary_basis, k.coverage, k.sources,
    k.population_vintage, false AS derived, NULL AS predecessors,
    marts.kpi_missing_reason(k.num, k.den, k.num_missing, k.den_missing, coalesce(k.zero_reason, 'zero denominator: the population is 0')) AS missing_reason,
    k.population_year, k.quality_flag
FROM kpis AS k
JOIN marts.kpi_catalogue AS c USING (kpi_id)
JOIN marts.kpi_applicability AS ap ON ap.kpi_id = k.kpi_id AND ap.area_code = k.area_code AND ap.applies
