-- name: core.spend_reconciliation
-- depends: core.spend
-- description: Every arithmetic check the RO5 form implies, one row per authority, year, line, measure, release vintage and check: the column identities C3 = C1 + C2, C6 = C4 + C5, C7 = C3 - C6 and C9 = C7 + C8, and the line sums (the cultural lines sum to TOTAL CULTURAL AND RELATED SERVICES; the cultural, environmental and planning totals sum to the grand total), for every measure. Checks with a NULL part (a marker, a blank, an authority that did not submit) are not made. ok is false when the difference exceeds rounding (half a £ thousand per published part); a violation is kept with the file, authority and line, and the warn test reports it.
-- grain: source_release, vintage, ecode, area_code, financial_year, service_line, measure, check_name
-- test: unique(source_release, vintage, ecode, area_code, financial_year, service_line, measure, check_name)
-- test: not_null(check_name, expected_gbp, actual_gbp, ok)
-- test: expect(ok) severity=warn
WITH s AS (
    SELECT * FROM core.spend WHERE form = 'RO5'
),
wide AS (
    SELECT source_release, vintage, source_file, ecode, area_code, any_value(la_name) AS la_name, financial_year, service_line,
        max(value_gbp) FILTER (measure = 'C1') AS c1, max(value_gbp) FILTER (measure = 'C2') AS c2,
        max(value_gbp) FILTER (measure = 'C3') AS c3, max(value_gbp) FILTER (measure = 'C4') AS c4,
        max(value_gbp) FILTER (measure = 'C5') AS c5, max(value_gbp) FILTER (measure = 'C6') AS c6,
        max(value_gbp) FILTER (measure = 'C7') AS c7, max(value_gbp) FILTER (measure = 'C8') AS c8,
        max(value_gbp) FILTER (measure = 'C9') AS c9,
        count(*) FILTER (measure = 'C8') > 0 AS has_c8
    FROM s
    GROUP BY ALL
),
identities AS (
    SELECT source_release, vintage, source_file, ecode, area_code, la_name, financial_year, service_line, 'C3' AS measure,
        'C3 = C1 + C2' AS check_name, c3 AS expected_gbp, c1 + c2 AS actual_gbp, 2 AS parts FROM wide
    UNION ALL
    SELECT source_release, vintage, source_file, ecode, area_code, la_name, financial_year, service_line, 'C6',
        'C6 = C4 + C5', c6, c4 + c5, 2 FROM wide
    UNION ALL
    SELECT source_release, vintage, source_file, ecode, area_code, la_name, financial_year, service_line, 'C7',
        'C7 = C3 - C6', c7, c3 - c6, 2 FROM wide
    UNION ALL
    SELECT source_release, vintage, source_file, ecode, area_code, la_name, financial_year, service_line, 'C9',
        'C9 = C7 + C8', c9, c7 + c8, 2 FROM wide WHERE has_c8
),
parts AS (
    SELECT *, CASE
            WHEN service_line IN ('archives', 'arts_development', 'heritage', 'museums_galleries', 'theatres',
                'community_centres', 'foreshore', 'sports_development', 'sports_facilities', 'open_spaces',
                'parks_open_spaces', 'allotments', 'tourism', 'library') THEN 'total_cultural'
            WHEN service_line IN ('total_cultural', 'total_environmental', 'total_planning') THEN 'total_all'
        END AS total_line
    FROM s
),
sums AS (
    SELECT p.source_release, p.vintage, any_value(p.source_file) AS source_file, p.ecode, p.area_code, any_value(p.la_name) AS la_name,
        p.financial_year, p.total_line AS service_line, p.measure,
        CASE p.total_line WHEN 'total_cultural' THEN 'cultural lines sum to TOTAL CULTURAL AND RELATED SERVICES'
            ELSE 'cultural, environmental and planning totals sum to the grand total' END AS check_name,
        any_value(t.value_gbp) AS expected_gbp, sum(p.value_gbp) AS actual_gbp, count(*) AS parts
    FROM parts AS p
    JOIN s AS t ON t.source_release = p.source_release AND t.vintage = p.vintage AND t.ecode IS NOT DISTINCT FROM p.ecode
        AND t.area_code IS NOT DISTINCT FROM p.area_code AND t.financial_year = p.financial_year
        AND t.service_line = p.total_line AND t.measure = p.measure
    WHERE p.total_line IS NOT NULL
    GROUP BY p.source_release, p.vintage, p.ecode, p.area_code, p.financial_year, p.total_line, p.measure
    HAVING count(p.value_gbp) = count(*) AND count(t.value_gbp) = count(*)
        AND (p.total_line <> 'total_all' OR count(*) = 3)
)
SELECT source_release, vintage, source_file, ecode, area_code, la_name, financial_year, service_line, measure, check_name,
    expected_gbp, actual_gbp, actual_gbp - expected_gbp AS difference_gbp, 500.0 * parts AS tolerance_gbp,
    abs(actual_gbp - expected_gbp) <= 500.0 * parts AS ok
FROM (SELECT * FROM identities UNION ALL SELECT * FROM sums)
WHERE expected_gbp IS NOT NULL AND actual_gbp IS NOT NULL
