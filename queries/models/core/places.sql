-- name: core.places
-- depends: core.areas, core.place_hierarchy
-- description: Places for fair comparison: a two-tier area (a county and its districts) is one place, so its county and district spend can be added up and compared with a unitary's; every other council is a place on its own. One row per member area, past and present, with the dates it belonged (valid_from inclusive, valid_to exclusive).
-- grain: member_code, place_code
-- test: unique(member_code, place_code)
-- test: not_null(member_code, place_code, place_name, place_type, member_role)
-- test: accepted_values(place_type: 'two-tier area', 'single-tier council')
-- test: accepted_values(member_role: 'county', 'district', 'single tier')
-- test: relationships(place_code -> core.areas.area_code)
SELECT
    h.area_code AS member_code,
    h.name AS member_name,
    h.upper_tier_code AS place_code,
    h.upper_tier_name AS place_name,
    'two-tier area' AS place_type,
    'district' AS member_role,
    h.valid_from,
    h.valid_to
FROM core.place_hierarchy AS h
UNION ALL
SELECT area_code, name, area_code, name, 'two-tier area', 'county', valid_from, valid_to
FROM core.areas
WHERE tier = 'county' AND nation = 'England'
UNION ALL
SELECT area_code, name, area_code, name, 'single-tier council', 'single tier', valid_from, valid_to
FROM core.areas
WHERE tier IN ('unitary', 'metropolitan district', 'london borough', 'city corporation') AND nation = 'England'
