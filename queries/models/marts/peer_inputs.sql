-- name: marts.peer_inputs
-- depends: core.areas, core.population_current, raw.ons_population, raw.la_register, core.deprivation, core.place_hierarchy
-- description: The documented inputs of Cornerstone's open statistical-neighbours model, one row per current English council: population (latest year on current boundaries), population density (residents per km², from the register's land area; the model's proxy for rurality, since no open council-level rural-urban classification is loaded), the shares of residents aged 65 and over and under 16 (latest MYE2 single-year ages), and the IMD average score (published for districts and unitaries; for counties the population-weighted mean of their districts, flagged). comparison_class keeps like with like: upper-tier and unitary councils (the library and most culture authorities) are compared with each other, non-metropolitan districts with each other. complete is false when an input is missing; such a council gets no statistical neighbours and the reason says which input.
-- grain: area_code
-- test: unique(area_code)
-- test: not_null(area_code, comparison_class, complete)
-- test: accepted_values(comparison_class: 'upper tier and unitary', 'district')
-- test: relationships(area_code -> core.areas.area_code)
-- test: expect(population > 0 OR population IS NULL)
-- test: expect(share_65_plus BETWEEN 0 AND 1 OR share_65_plus IS NULL)
WITH councils AS (
    SELECT area_code, name, tier, region,
        CASE WHEN tier = 'non-metropolitan district' THEN 'district' ELSE 'upper tier and unitary' END AS comparison_class
    FROM core.areas
    WHERE is_current AND nation = 'England'
      AND tier IN ('unitary', 'metropolitan district', 'london borough', 'county', 'non-metropolitan district')
),
pop AS (
    SELECT area_code, year, population
    FROM core.population_current
    QUALIFY row_number() OVER (PARTITION BY area_code ORDER BY year DESC, vintage DESC) = 1
),
ages AS (
    SELECT area_code, year,
        sum(population) FILTER (WHERE try_cast(replace(age, '+', '') AS INTEGER) >= 65) / sum(population) AS share_65_plus,
        sum(population) FILTER (WHERE try_cast(age AS INTEGER) < 16) / sum(population) AS share_under_16
    FROM raw.ons_population
    WHERE sex = 'persons' AND age <> 'all' AND _dataset LIKE 'mye2%'
    GROUP BY area_code, year, _vintage
    QUALIFY row_number() OVER (PARTITION BY area_code ORDER BY year DESC, _vintage DESC) = 1
),
land AS (
    SELECT gss_code AS area_code, any_value(area_km2) AS area_km2
    FROM raw.la_register
    WHERE _vintage = (SELECT max(_vintage) FROM raw.la_register) AND area_km2 > 0
    GROUP BY gss_code
),
imd_published AS (
    SELECT area_code, value AS imd_score, edition
    FROM core.deprivation
    WHERE domain = 'IMD' AND measure = 'Average score'
    QUALIFY row_number() OVER (PARTITION BY area_code ORDER BY edition DESC, derived) = 1
),
-- Counties: the population-weighted mean of their current districts' scores.
imd_county AS (
    SELECT h.upper_tier_code AS area_code,
        sum(i.imd_score * p.population) / sum(p.population) AS imd_score, any_value(i.edition) AS edition
    FROM core.place_hierarchy AS h
    JOIN imd_published AS i ON i.area_code = h.area_code
    JOIN pop AS p ON p.area_code = h.area_code
    WHERE h.valid_to IS NULL
    GROUP BY h.upper_tier_code
),
imd AS (
    SELECT area_code, imd_score, edition, false AS imd_derived FROM imd_published
    UNION ALL
    SELECT c.area_code, c.imd_score, c.edition, true FROM imd_county AS c
    WHERE c.area_code NOT IN (SELECT area_code FROM imd_published)
)
SELECT c.area_code, c.name, c.tier, c.region, c.comparison_class,
    pop.population, pop.year AS population_year,
    land.area_km2,
    pop.population / land.area_km2 AS density_per_km2,
    ages.share_65_plus, ages.share_under_16, ages.year AS age_year,
    imd.imd_score, imd.edition AS imd_edition, coalesce(imd.imd_derived, false) AS imd_derived,
    (pop.population IS NOT NULL AND land.area_km2 IS NOT NULL AND ages.share_65_plus IS NOT NULL
        AND ages.share_under_16 IS NOT NULL AND imd.imd_score IS NOT NULL) AS complete,
    concat_ws(', ',
        CASE WHEN pop.population IS NULL THEN 'no population' END,
        CASE WHEN land.area_km2 IS NULL THEN 'no land area in the register' END,
        CASE WHEN ages.share_65_plus IS NULL THEN 'no single-year ages (MYE2)' END,
        CASE WHEN imd.imd_score IS NULL THEN 'no IMD score' END) AS missing
FROM councils AS c
LEFT JOIN pop ON pop.area_code = c.area_code
LEFT JOIN land ON land.area_code = c.area_code
LEFT JOIN ages ON ages.area_code = c.area_code
LEFT JOIN imd ON imd.area_code = c.area_code
