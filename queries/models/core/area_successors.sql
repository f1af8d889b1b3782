-- name: core.area_successors
-- depends: core.areas, core.area_changes
-- description: Maps every area code, current or abolished (and codes known only from change records), to the current area or areas it lies in, following chains of changes. method says how a figure for area_code becomes one for current_code: 'same' (it is current), 'recode' (same authority, new code), 'merger' (wholly inside: add it up) or 'split' (divided between successors: apportion with core.area_successor_weights, or mark not comparable). Recodes to a code the register does not hold map back to the register's code, so E08000016 and E08000038 are the same place.
-- grain: area_code, current_code
-- test: unique(area_code, current_code)
-- test: not_null(area_code, current_code, method)
-- test: accepted_values(method: 'same', 'recode', 'merger', 'split')
-- test: relationships(current_code -> core.areas.area_code)
WITH RECURSIVE known AS (
    SELECT area_code FROM core.areas
),
-- Edges towards the code the register treats as current. A recode whose new code the register
-- does not hold (LAD25 codes before the register knows them) points the other way.
edges AS (
    SELECT old_code AS from_code, new_code AS to_code, kind, effective_date FROM core.area_changes
    WHERE NOT (kind = 'recode' AND new_code NOT IN (SELECT area_code FROM known))
    UNION ALL
    SELECT new_code, old_code, kind, effective_date FROM core.area_changes
    WHERE kind = 'recode' AND new_code NOT IN (SELECT area_code FROM known)
),
codes AS (
    SELECT area_code AS code FROM core.areas
    UNION SELECT from_code FROM edges
    UNION SELECT to_code FROM edges
),
walk AS (
    SELECT c.code AS area_code, c.code AS at_code, 'same' AS method, NULL::DATE AS effective_date, 0 AS depth
    FROM codes AS c
    UNION ALL
    SELECT w.area_code, e.to_code,
        CASE
            WHEN w.method = 'split' OR e.kind = 'split' THEN 'split'
            WHEN w.method = 'merger' OR e.kind = 'merger' THEN 'merger'
            ELSE 'recode'
        END,
        greatest(w.effective_date, e.effective_date),
        w.depth + 1
    FROM walk AS w
    JOIN edges AS e ON e.from_code = w.at_code
    LEFT JOIN core.areas AS here ON here.area_code = w.at_code
    WHERE w.depth < 8 AND NOT coalesce(here.is_current, false)
)
SELECT w.area_code, w.at_code AS current_code, w.method, w.effective_date, w.depth AS steps
FROM walk AS w
JOIN core.areas AS a ON a.area_code = w.at_code AND a.is_current
QUALIFY row_number() OVER (PARTITION BY w.area_code, w.at_code ORDER BY w.depth) = 1
