-- name: marts.kpi_values_engagement
-- depends: core.engagement, marts.kpi_catalogue, marts.kpi_applicability
-- description: Engagement KPIs (CS-15a arts, CS-15b museums and galleries, CS-15c public libraries, CS-15d heritage) per council and survey year from the DCMS Participation Survey local-authority estimates, with the 95% confidence interval kept (lower_ci, upper_ci, percentage points) and the respondents behind each estimate; each domain's table is recognised by its question text. Survey estimates: compare with peers only where intervals do not overlap. Councils only (marts.kpi_applicability); an estimate DCMS did not publish keeps its row with missing_reason 'suppressed by publisher: <marker>'.
-- grain: kpi_id, area_code, period, boundary_basis
-- test: unique(kpi_id, area_code, period, boundary_basis)
-- test: not_null(kpi_id, area_code, period, boundary_basis, unit, coverage, sources)
-- test: relationships(kpi_id -> marts.kpi_catalogue.kpi_id)
-- test: expect(value IS NULL OR (value BETWEEN 0 AND 100))
-- test: expect((value IS NULL) = (missing_reason IS NOT NULL))
WITH e AS (
    SELECT *,
        CASE
            WHEN measure ILIKE '%museum%' THEN 'CS-15b'
            WHEN measure ILIKE '%library%' THEN 'CS-15c'
            WHEN measure ILIKE '%heritage%' THEN 'CS-15d'
            WHEN measure ILIKE '%arts%' THEN 'CS-15a'
        END AS kpi_id
    FROM core.engagement
    WHERE area_code IS NOT NULL
)
SELECT e.kpi_id, e.area_code, e.survey_year AS period, e.percentage AS value,
    CAST(NULL AS DOUBLE) AS numerator, CAST(e.base AS DOUBLE) AS denominator, c.unit, 'as_constituted' AS boundary_basis,
    format('survey estimate from {} respondents', coalesce(CAST(e.respondents AS VARCHAR), 'an unstated number of')) AS coverage,
    'dcms-participation ' || e.vintage || ' table ' || e.table_id AS sources,
    NULL AS population_vintage, false AS derived, NULL AS predecessors,
    e.lower_ci, e.upper_ci, e.respondents,
    CASE WHEN e.percentage IS NULL THEN 'suppressed by publisher: ' || coalesce(e.marker, 'no estimate published') END AS missing_reason,
    NULL::INTEGER AS population_year
FROM e
JOIN marts.kpi_catalogue AS c USING (kpi_id)
JOIN marts.kpi_applicability AS ap ON ap.kpi_id = e.kpi_id AND ap.area_code = e.area_code AND ap.applies
QUALIFY row_number() OVER (PARTITION BY e.kpi_id, e.area_code, e.survey_year ORDER BY e.table_id) = 1
