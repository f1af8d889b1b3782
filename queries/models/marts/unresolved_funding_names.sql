-- name: marts.unresolved_funding_names
-- depends: core.funding_unresolved
-- description: Funding recipients' area names that did not resolve, in the shape of marts.unresolved_names (one row per source and name).
-- grain: source, name
SELECT source, coalesce(area_label, '(no location given)') AS name, any_value(resolution) AS resolution,
    sum(awards)::BIGINT AS row_count, string_agg(DISTINCT recipient_name, '; ' ORDER BY recipient_name) AS examples
FROM core.funding_unresolved
GROUP BY source, coalesce(area_label, '(no location given)')
