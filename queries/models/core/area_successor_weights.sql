-- name: core.area_successor_weights
-- depends: core.area_successors, core.population
-- description: How to apportion a figure for an area that was split between successors (a county such as Cumbria or Northamptonshire): each successor's share of the successors' combined population in the same mid-year (latest estimates on current boundaries). Years without population estimates have no weight, and figures for them are not comparable. Areas that were not split carry weight 1 and are not listed.
-- grain: area_code, current_code, year
-- test: unique(area_code, current_code, year)
-- test: not_null(area_code, current_code, year, weight)
-- test: expect(weight > 0 AND weight <= 1)
WITH split AS (
    SELECT area_code, current_code FROM core.area_successors WHERE method = 'split'
)
SELECT
    s.area_code,
    s.current_code,
    p.year,
    p.population / sum(p.population) OVER (PARTITION BY s.area_code, p.year) AS weight,
    'share of the successors'' population, mid-' || p.year || ' (' || p.vintage || ')' AS basis
FROM split AS s
JOIN core.population AS p ON p.area_code = s.current_code AND p.is_latest
QUALIFY count(*) OVER (PARTITION BY s.area_code, p.year)
      = (SELECT count(*) FROM split AS t WHERE t.area_code = s.area_code)
