-- name: marts.kpi_applicability
-- depends: marts.kpi_catalogue, core.areas
-- description: Which authorities each KPI applies to, from the catalogue's applies_to (the tiers of core.areas it covers; library KPIs cover library authorities only): one row per KPI and English authority in the register, current or abolished, with applies and, when it does not apply, reason, the catalogue's one-line not_applicable text with the authority's tier ('not a library authority (non-metropolitan district)', 'not a council (strategic authority)'). Every KPI model keeps only rows whose KPI applies to the area, so marts.kpi_values holds no library KPI for a district and no KPI for the GLA; authorities the register does not list (fire and rescue, national park and other single-purpose authorities in the RO5 returns) are not councils and hold no KPI value either (marts.kpi_spend_base keeps their figures).
-- grain: kpi_id, area_code
-- test: unique(kpi_id, area_code)
-- test: not_null(kpi_id, area_code, tier, applies)
-- test: expect(applies = (reason IS NULL))
SELECT c.kpi_id, a.area_code, a.name, a.tier, a.is_current,
    list_contains(string_split(c.applies_to, '; '), a.tier) AS applies,
    CASE WHEN NOT list_contains(string_split(c.applies_to, '; '), a.tier) THEN c.not_applicable || ' (' || a.tier || ')' END AS reason
FROM marts.kpi_catalogue AS c
CROSS JOIN core.areas AS a
WHERE a.nation = 'England'
