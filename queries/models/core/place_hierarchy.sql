-- name: core.place_hierarchy
-- depends: core.areas
-- description: Two-tier structure: each shire district and the county (upper tier) it sat in, with the dates the pairing held (valid_from inclusive, valid_to exclusive), past and present.
-- grain: area_code, upper_tier_code
-- test: unique(area_code, upper_tier_code)
-- test: not_null(area_code, upper_tier_code)
-- test: relationships(upper_tier_code -> core.areas.area_code)
SELECT
    d.area_code,
    d.name,
    c.area_code AS upper_tier_code,
    c.name AS upper_tier_name,
    CASE WHEN d.valid_from IS NULL THEN c.valid_from
         WHEN c.valid_from IS NULL THEN d.valid_from
         ELSE greatest(d.valid_from, c.valid_from) END AS valid_from,
    CASE WHEN d.valid_to IS NULL THEN c.valid_to
         WHEN c.valid_to IS NULL THEN d.valid_to
         ELSE least(d.valid_to, c.valid_to) END AS valid_to
FROM core.areas AS d
JOIN core.areas AS c ON c.area_code = d.county_code
WHERE d.tier = 'non-metropolitan district' AND c.tier = 'county'
