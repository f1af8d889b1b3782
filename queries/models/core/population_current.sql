-- name: core.population_current
-- depends: core.population, core.population_predecessor_sums, core.areas
-- description: Population of every current council for every year, on current boundaries: the published estimate where ONS published one for the current area (basis 'published'), else the sum of its predecessors as constituted then (basis 'derived: sum of predecessors', derived = true).
-- grain: area_code, year
-- test: unique(area_code, year)
-- test: not_null(area_code, year, population, basis)
-- test: relationships(area_code -> core.areas.area_code)
WITH published AS (
    SELECT p.area_code, p.year, p.population, p.vintage, 'published' AS basis, false AS derived, NULL AS predecessors
    FROM core.population AS p
    JOIN core.areas AS a ON a.area_code = p.area_code AND a.is_current
    WHERE p.is_latest
),
derived AS (
    SELECT d.area_code, d.year, d.population, d.vintages, 'derived: sum of predecessors', true, d.predecessors
    FROM core.population_predecessor_sums AS d
    WHERE NOT EXISTS (SELECT 1 FROM published AS p WHERE p.area_code = d.area_code AND p.year = d.year)
)
SELECT * FROM published
UNION ALL
SELECT * FROM derived
