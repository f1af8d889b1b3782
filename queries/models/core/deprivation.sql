-- name: core.deprivation
-- depends: raw.imd_lad_summaries, core.area_successors, core.areas, core.population
-- description: English Indices of Deprivation per district and edition: every domain and measure as published (basis 'published', on the edition's district codes), plus, for current councils formed after the edition, the population-weighted mean of their predecessors' average scores (basis 'derived', derived = true). Ranks and proportions cannot be derived from district summaries and are left out for such councils (not comparable).
-- grain: area_code, edition, domain, measure
-- test: unique(area_code, edition, domain, measure)
-- test: not_null(area_code, edition, domain, measure, value, basis)
-- test: accepted_values(basis: 'published', 'derived')
WITH latest AS (
    SELECT * FROM raw.imd_lad_summaries
),
published AS (
    SELECT area_code, area_name AS name, edition, code_year, domain, measure, value,
        'published' AS basis, false AS derived, NULL::VARCHAR AS note
    FROM latest
),
pred AS (
    SELECT s.area_code AS predecessor, s.current_code
    FROM core.area_successors AS s
    JOIN core.areas AS a ON a.area_code = s.area_code
    WHERE s.method = 'merger' AND a.tier <> 'county'
),
weighted AS (
    SELECT pred.current_code AS area_code, l.edition, any_value(l.code_year) AS code_year, l.domain, l.measure,
        sum(l.value * p.population) / sum(p.population) AS value,
        string_agg(pred.predecessor, ',' ORDER BY pred.predecessor) AS predecessors,
        any_value(p.year) AS pop_year,
        count(*) AS n
    FROM pred
    JOIN latest AS l ON l.area_code = pred.predecessor AND l.measure = 'Average score'
    JOIN core.population AS p ON p.area_code = pred.predecessor AND p.is_latest AND p.year = l.code_year
    GROUP BY pred.current_code, l.edition, l.domain, l.measure
)
SELECT * FROM published
UNION ALL
SELECT w.area_code, a.name, w.edition, w.code_year, w.domain, w.measure, w.value, 'derived', true,
    'population-weighted mean of ' || w.predecessors || ' (mid-' || w.pop_year || ' population)'
FROM weighted AS w
JOIN core.areas AS a ON a.area_code = w.area_code
WHERE w.n = (SELECT count(*) FROM pred AS q WHERE q.current_code = w.area_code)
  AND NOT EXISTS (SELECT 1 FROM published AS p WHERE p.area_code = w.area_code AND p.edition = w.edition)
