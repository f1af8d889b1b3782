-- name: core.population_predecessor_sums
-- depends: core.population, core.area_successors, core.areas
-- description: Population of each current area formed by mergers, for years before it existed, derived by adding up its predecessors as constituted then (lower-tier and single-tier predecessors only: a county's population is already the sum of its districts). Derived, not published: the predecessors and the estimates used are listed.
-- grain: area_code, year
-- test: unique(area_code, year)
-- test: not_null(area_code, year, population, predecessors)
-- test: expect(population > 0)
WITH pred AS (
    SELECT s.area_code AS predecessor, s.current_code, s.effective_date
    FROM core.area_successors AS s
    JOIN core.areas AS a ON a.area_code = s.area_code
    WHERE s.method = 'merger' AND a.tier <> 'county'
)
SELECT
    pred.current_code AS area_code,
    p.year,
    sum(p.population) AS population,
    string_agg(pred.predecessor, ',' ORDER BY pred.predecessor) AS predecessors,
    count(*) AS predecessor_count,
    string_agg(DISTINCT p.vintage, ',') AS vintages,
    true AS derived
FROM pred
JOIN core.population AS p ON p.area_code = pred.predecessor AND p.is_latest
WHERE pred.effective_date IS NULL OR make_date(p.year, 6, 30) < pred.effective_date
GROUP BY pred.current_code, p.year
-- Only years in which every predecessor has an estimate.
HAVING count(*) = (SELECT count(*) FROM pred AS q WHERE q.current_code = pred.current_code)
