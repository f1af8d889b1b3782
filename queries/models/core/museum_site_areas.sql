-- name: core.museum_site_areas
-- depends: core.museum_sites, core.areas, core.norm_area_name
-- materialized: view
-- description: Each located museum in core.museum_sites with the register's name for its area_code, checking the hand-made mapping: the code must be a local authority the register knows, and the seed's area_name must be the register's name for it (name_matches).
-- grain: museum
-- test: unique(museum)
-- test: expect(register_name IS NOT NULL) severity=warn
-- test: expect(name_matches) severity=warn
SELECT s.museum, s.museum_group, s.coverage, s.area_code, s.area_name, a.name AS register_name, a.tier, a.is_current,
    a.name IS NOT NULL AND core.norm_area_name(a.name) = core.norm_area_name(s.area_name) AS name_matches
FROM core.museum_sites AS s
LEFT JOIN (SELECT area_code, any_value(name) AS name, any_value(tier) AS tier, bool_or(is_current) AS is_current FROM core.areas GROUP BY area_code) AS a
    ON a.area_code = s.area_code
WHERE s.area_code IS NOT NULL
