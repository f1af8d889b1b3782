-- name: marts.library_unresolved_names
-- depends: core.library_activity, core.library_sites
-- description: Authority names and codes from the ACE library sources that did not resolve to a GSS code (ambiguous or unknown), with how many rows they hold: kept in the core tables with a NULL area_code, listed here so that someone adds an alias (queries/seeds/area_aliases.csv) or fixes the name (core.local_returns keeps unresolved codes the same way, with resolution).
-- grain: source, name
-- test: unique(source, name)
-- test: not_null(source, name, resolution, row_count)
SELECT 'ace-library-activity' AS source, authority_name AS name, any_value(resolution) AS resolution, count(*) AS row_count
FROM core.library_activity WHERE area_code IS NULL GROUP BY authority_name
UNION ALL
SELECT 'ace-library-locations', coalesce(reporting_service_code || ' ', '') || reporting_service, any_value(resolution), count(*)
FROM core.library_sites WHERE area_code IS NULL GROUP BY reporting_service_code, reporting_service
