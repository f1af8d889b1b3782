-- name: core.population
-- depends: raw.ons_population
-- description: Resident population (all ages, persons) per area and mid-year, one row per vintage that estimates it; is_latest marks the estimate from the newest vintage.
-- grain: area_code, year, vintage
-- test: unique(area_code, year, vintage)
-- test: not_null(area_code, year, population, vintage, source)
-- test: expect(population >= 0)
-- test: row_count(max_drop=0.5)
WITH persons AS (
    SELECT area_code, area_name, geography, year, population, _dataset AS dataset, _vintage AS vintage, _load_id AS load_id
    FROM raw.ons_population
    WHERE sex = 'persons' AND age = 'all'
    UNION ALL
    SELECT area_code, any_value(area_name), NULL, year, sum(population), _dataset, _vintage, any_value(_load_id)
    FROM raw.ons_population
    WHERE _dataset = 'myeb1' AND sex IN ('male', 'female')
    GROUP BY area_code, year, _dataset, _vintage
),
ranked AS (
    SELECT *,
        row_number() OVER (
            PARTITION BY area_code, year
            ORDER BY try_cast(regexp_extract(vintage, '(\d{4})$', 1) AS INTEGER) DESC NULLS LAST,
                     (dataset = 'mye2-persons') DESC, load_id DESC
        ) AS rank
    FROM persons
)
SELECT
    area_code,
    area_name AS name,
    geography,
    year,
    population,
    vintage,
    dataset,
    'ons-population' AS source,
    rank = 1 AS is_latest
FROM ranked
