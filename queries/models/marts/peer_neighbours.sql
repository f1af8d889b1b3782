-- name: marts.peer_neighbours
-- depends: marts.peer_inputs
-- description: Cornerstone's open statistical neighbours (model version csn-1): within each comparison class, every input of marts.peer_inputs is z-scored (log population, log density, share aged 65+, share under 16, IMD average score; equal weights), the distance between two councils is the Euclidean distance between their z-score vectors, and each council's 15 nearest (fewer when the class is smaller) are kept, ties broken by code. reasons lists the inputs that make the pair close (those within half a standard deviation), nearest first, with both councils' values. The distance is symmetric and a council is never its own neighbour.
-- grain: area_code, neighbour_code
-- test: unique(area_code, neighbour_code)
-- test: unique(area_code, rank)
-- test: not_null(area_code, neighbour_code, rank, distance, model_version)
-- test: expect(area_code <> neighbour_code)
-- test: expect(rank BETWEEN 1 AND 15)
-- test: expect(distance >= 0)
-- test: relationships(neighbour_code -> marts.peer_inputs.area_code)
WITH inputs AS (
    SELECT * FROM marts.peer_inputs WHERE complete
),
long AS (
    SELECT area_code, comparison_class, 'population' AS input, ln(population) AS x, format('{:,}', population::BIGINT) AS shown FROM inputs
    UNION ALL SELECT area_code, comparison_class, 'density', ln(density_per_km2), format('{:.0f} per km²', density_per_km2) FROM inputs
    UNION ALL SELECT area_code, comparison_class, 'aged 65+', share_65_plus, format('{:.1f}%', 100 * share_65_plus) FROM inputs
    UNION ALL SELECT area_code, comparison_class, 'aged under 16', share_under_16, format('{:.1f}%', 100 * share_under_16) FROM inputs
    UNION ALL SELECT area_code, comparison_class, 'deprivation (IMD score)', imd_score, format('{:.1f}', imd_score) FROM inputs
),
z AS (
    -- An input that does not vary within the class (to rounding) contributes nothing.
    SELECT *, CASE WHEN stddev_pop(x) OVER w > 1e-9 * (1 + abs(avg(x) OVER w))
        THEN (x - avg(x) OVER w) / stddev_pop(x) OVER w ELSE 0 END AS z
    FROM long
    WINDOW w AS (PARTITION BY comparison_class, input)
),
pairs AS (
    SELECT a.area_code, b.area_code AS neighbour_code, a.comparison_class,
        sqrt(sum((a.z - b.z) ^ 2)) AS distance,
        string_agg(CASE WHEN abs(a.z - b.z) <= 0.5 THEN format('{} ({} and {})', a.input, a.shown, b.shown) END, '; '
            ORDER BY abs(a.z - b.z), a.input) AS reasons
    FROM z AS a
    JOIN z AS b ON b.comparison_class = a.comparison_class AND b.input = a.input AND b.area_code <> a.area_code
    GROUP BY a.area_code, b.area_code, a.comparison_class
)
SELECT area_code, neighbour_code, comparison_class,
    CAST(row_number() OVER (PARTITION BY area_code ORDER BY distance, neighbour_code) AS INTEGER) AS rank,
    round(distance, 9) AS distance,
    'csn-1' AS model_version,
    coalesce(reasons, 'no single input within half a standard deviation; nearest overall') AS reasons
FROM pairs
QUALIFY rank <= 15
