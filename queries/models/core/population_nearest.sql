-- name: core.population_nearest
-- depends: core.population, core.population_current
-- description: The resident population a per-head figure divides by, one row per area, boundary basis and wanted mid-year: the ONS estimate for that mid-year where held (the newest vintage), else the nearest mid-year held within two years (the earlier on a tie), with population_year saying which mid-year was used and nearest marking a substitute. basis 'as_constituted' reads core.population (the area as it stood), 'current' core.population_current (current councils on current boundaries). Wanted years run from ten years before the first estimate held to ten after the last; a year with no estimate within two years keeps its row with population NULL and nearest_held naming the nearest mid-year held, so a KPI can say which input is missing.
-- grain: area_code, basis, year
-- test: unique(area_code, basis, year)
-- test: not_null(area_code, basis, year, nearest_held)
-- test: accepted_values(basis: 'as_constituted', 'current')
-- test: expect(population IS NULL OR (abs(population_year - year) <= 2 AND nearest = (population_year <> year)))
-- test: expect(population IS NULL OR population > 0)
WITH held AS (
    SELECT area_code, 'as_constituted' AS basis, year, population, vintage FROM core.population WHERE is_latest
    UNION ALL
    SELECT area_code, 'current', year, population, vintage FROM core.population_current
),
span AS (
    SELECT min(year) - 10 AS lo, max(year) + 10 AS hi FROM held
),
wanted AS (
    SELECT a.area_code, a.basis, w.year
    FROM (SELECT DISTINCT area_code, basis FROM held) AS a, span, range(span.lo, span.hi + 1) AS w(year)
),
nearest AS (
    SELECT w.area_code, w.basis, w.year, h.year AS held_year, h.population, h.vintage
    FROM wanted AS w
    JOIN held AS h ON h.area_code = w.area_code AND h.basis = w.basis
    QUALIFY row_number() OVER (PARTITION BY w.area_code, w.basis, w.year ORDER BY abs(h.year - w.year), h.year) = 1
)
SELECT area_code, basis, year,
    CASE WHEN abs(held_year - year) <= 2 THEN population END AS population,
    CASE WHEN abs(held_year - year) <= 2 THEN held_year END AS population_year,
    CASE WHEN abs(held_year - year) <= 2 THEN vintage END AS vintage,
    held_year <> year AS nearest,
    held_year AS nearest_held
FROM nearest
