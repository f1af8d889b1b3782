-- name: marts.area_population
-- depends: core.population, core.areas
-- description: The latest population estimate per English council (unitary, district, borough or county) and year, with the change on the previous year, for reports.
-- grain: area_code, year
-- test: unique(area_code, year)
-- test: not_null(area_code, name, year, population, vintage)
-- test: relationships(area_code -> core.areas.area_code) severity=warn
SELECT
    p.area_code,
    coalesce(a.name, p.name) AS name,
    a.tier,
    a.region,
    p.year,
    p.population,
    p.population - lag(p.population) OVER (PARTITION BY p.area_code ORDER BY p.year) AS change_on_year,
    p.vintage,
    p.dataset
FROM core.population AS p
LEFT JOIN core.areas AS a ON a.area_code = p.area_code
WHERE p.is_latest
  AND regexp_matches(p.area_code, '^E(06|07|08|09|10)[0-9]{6}$')
