-- name: marts.kpi_spend_base
-- depends: core.spend, core.area_successors, core.area_successor_weights, core.places
-- description: The spend figures the spend KPIs divide, one row per area, financial year and boundary basis: net current expenditure (C7) on culture and heritage (the five lines), on the library service and on all cultural and related services, and total income (C6) and expenditure (C3) on culture, heritage and libraries, in £, from the newest vintage of each financial year (the per-authority RO5 workbook where held, else the multi-year time series; only submitted returns). boundary_basis 'as_constituted' is each authority as it reported; 'current' sums authorities into the current council they now lie in (a county split between successors is apportioned by the successors' population shares of that year, marked in method); 'place' adds a two-tier county's districts to the county, so two-tier places compare fairly with unitaries. reporting and expected count the authorities behind a figure; missing_notes says why cells of the kept lines (C3, C6, C7) are NULL (blank, suppressed [c], not submitted…). Authorities the register does not list (fire and rescue, national park and other single-purpose authorities) are kept as constituted.
-- grain: area_code, financial_year, boundary_basis
-- test: unique(area_code, financial_year, boundary_basis)
-- test: not_null(area_code, financial_year, boundary_basis, reporting, expected)
-- test: accepted_values(boundary_basis: 'as_constituted', 'current', 'place')
-- test: expect(reporting <= expected)
WITH chosen AS (
    -- One source per authority and year: the RO5 workbook over the time series.
    SELECT DISTINCT area_code, financial_year, source_release, vintage
    FROM core.spend
    WHERE is_latest AND form = 'RO5' AND status = 'submitted' AND area_code IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY area_code, financial_year
        ORDER BY source_release = 'ro-time-series', source_release DESC, vintage DESC) = 1
),
authority AS (
    SELECT s.area_code, s.financial_year, any_value(c.source_release) AS source_release, any_value(c.vintage) AS vintage,
        sum(s.value_gbp) FILTER (WHERE s.measure = 'C7' AND s.service_line IN
            ('archives', 'arts_development', 'heritage', 'museums_galleries', 'theatres')) AS culture_nce,
        sum(s.value_gbp) FILTER (WHERE s.measure = 'C7' AND s.service_line = 'library') AS library_nce,
        sum(s.value_gbp) FILTER (WHERE s.measure = 'C7' AND s.service_line = 'museums_galleries') AS museums_nce,
        sum(s.value_gbp) FILTER (WHERE s.measure = 'C7' AND s.service_line = 'total_cultural') AS broad_nce,
        sum(s.value_gbp) FILTER (WHERE s.measure = 'C6' AND s.service_line IN
            ('archives', 'arts_development', 'heritage', 'museums_galleries', 'theatres', 'library')) AS culture_income,
        sum(s.value_gbp) FILTER (WHERE s.measure = 'C3' AND s.service_line IN
            ('archives', 'arts_development', 'heritage', 'museums_galleries', 'theatres', 'library')) AS culture_expenditure,
        string_agg(DISTINCT s.value_note, ', ' ORDER BY s.value_note) FILTER (WHERE s.value_gbp IS NULL AND s.measure IN ('C3', 'C6', 'C7')
            AND s.service_line IN ('archives', 'arts_development', 'heritage', 'museums_galleries', 'theatres', 'library', 'total_cultural')) AS missing_notes
    FROM core.spend AS s
    JOIN chosen AS c USING (area_code, financial_year, source_release, vintage)
    WHERE s.form = 'RO5'
    GROUP BY s.area_code, s.financial_year
),
-- Which authorities existed (so should have reported) for each current council and year: every
-- area mapped to it that reported in any year of the same financial year's sample, or itself.
mapped AS (
    SELECT a.*, m.current_code, m.method,
        CASE WHEN m.method = 'split' THEN w.weight ELSE 1.0 END AS weight
    FROM authority AS a
    JOIN core.area_successors AS m ON m.area_code = a.area_code
    LEFT JOIN core.area_successor_weights AS w
        ON w.area_code = a.area_code AND w.current_code = m.current_code
       AND w.year = CAST(left(a.financial_year, 4) AS INTEGER)
),
current_basis AS (
    SELECT current_code AS area_code, financial_year,
        string_agg(DISTINCT source_release, ', ' ORDER BY source_release) AS source_release,
        string_agg(DISTINCT vintage, ', ' ORDER BY vintage) AS vintage,
        sum(culture_nce * weight) AS culture_nce, sum(library_nce * weight) AS library_nce,
        sum(museums_nce * weight) AS museums_nce, sum(broad_nce * weight) AS broad_nce,
        sum(culture_income * weight) AS culture_income, sum(culture_expenditure * weight) AS culture_expenditure,
        string_agg(DISTINCT missing_notes, ', ' ORDER BY missing_notes) AS missing_notes,
        count(*) AS reporting,
        bool_or(method <> 'same') AS derived,
        string_agg(DISTINCT CASE WHEN method <> 'same' THEN method END, ', ') AS method,
        string_agg(area_code, ', ' ORDER BY area_code) FILTER (WHERE method <> 'same') AS predecessors
    FROM mapped
    WHERE weight IS NOT NULL
    GROUP BY current_code, financial_year
),
expected_current AS (
    -- Authorities that map to a current council and were reporting anywhere in that year.
    SELECT m.current_code AS area_code, y.financial_year, count(DISTINCT m.area_code) AS expected
    FROM core.area_successors AS m
    JOIN (SELECT DISTINCT area_code, financial_year FROM core.spend WHERE form = 'RO5') AS y ON y.area_code = m.area_code
    GROUP BY ALL
),
place_basis AS (
    SELECT p.place_code AS area_code, a.financial_year,
        string_agg(DISTINCT a.source_release, ', ' ORDER BY a.source_release) AS source_release,
        string_agg(DISTINCT a.vintage, ', ' ORDER BY a.vintage) AS vintage,
        sum(a.culture_nce) AS culture_nce, sum(a.library_nce) AS library_nce, sum(a.museums_nce) AS museums_nce,
        sum(a.broad_nce) AS broad_nce, sum(a.culture_income) AS culture_income, sum(a.culture_expenditure) AS culture_expenditure,
        string_agg(DISTINCT a.missing_notes, ', ' ORDER BY a.missing_notes) AS missing_notes,
        count(*) AS reporting,
        string_agg(a.area_code, ', ' ORDER BY a.area_code) AS predecessors
    FROM core.places AS p
    JOIN authority AS a ON a.area_code = p.member_code
    WHERE p.place_type = 'two-tier area'
      AND (p.valid_from IS NULL OR p.valid_from <= make_date(CAST(left(a.financial_year, 4) AS INTEGER), 4, 1))
      AND (p.valid_to IS NULL OR p.valid_to > make_date(CAST(left(a.financial_year, 4) AS INTEGER), 4, 1))
    GROUP BY p.place_code, a.financial_year
),
expected_place AS (
    SELECT p.place_code AS area_code, y.financial_year, count(DISTINCT p.member_code) AS expected
    FROM core.places AS p
    JOIN (SELECT DISTINCT financial_year FROM core.spend WHERE form = 'RO5') AS y ON true
    WHERE p.place_type = 'two-tier area'
      AND (p.valid_from IS NULL OR p.valid_from <= make_date(CAST(left(y.financial_year, 4) AS INTEGER), 4, 1))
      AND (p.valid_to IS NULL OR p.valid_to > make_date(CAST(left(y.financial_year, 4) AS INTEGER), 4, 1))
    GROUP BY ALL
)
SELECT area_code, financial_year, 'as_constituted' AS boundary_basis, source_release, vintage,
    culture_nce, library_nce, museums_nce, broad_nce, culture_income, culture_expenditure,
    1 AS reporting, 1 AS expected, false AS derived, NULL AS method, NULL AS predecessors, missing_notes
FROM authority
UNION ALL
SELECT c.area_code, c.financial_year, 'current', c.source_release, c.vintage,
    c.culture_nce, c.library_nce, c.museums_nce, c.broad_nce, c.culture_income, c.culture_expenditure,
    c.reporting, greatest(coalesce(e.expected, c.reporting), c.reporting), c.derived, c.method, c.predecessors, c.missing_notes
FROM current_basis AS c
LEFT JOIN expected_current AS e USING (area_code, financial_year)
UNION ALL
SELECT p.area_code, p.financial_year, 'place', p.source_release, p.vintage,
    p.culture_nce, p.library_nce, p.museums_nce, p.broad_nce, p.culture_income, p.culture_expenditure,
    p.reporting, greatest(coalesce(e.expected, p.reporting), p.reporting), true, 'place total', p.predecessors, p.missing_notes
FROM place_basis AS p
LEFT JOIN expected_place AS e USING (area_code, financial_year)
