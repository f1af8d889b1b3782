-- name: marts.unresolved_engagement_names
-- depends: core.engagement
-- description: Participation Survey area names that did not resolve, in the shape of marts.unresolved_names.
-- grain: source, name
SELECT 'dcms-participation' AS source, area_name AS name, any_value(resolution) AS resolution, count(*)::BIGINT AS row_count,
    NULL AS examples
FROM core.engagement
WHERE area_code IS NULL AND area_name IS NOT NULL
  AND area_name NOT IN ('England', 'ENGLAND')
GROUP BY area_name
