-- name: marts.unresolved_names
-- depends: marts.library_unresolved_names, marts.unresolved_funding_names, marts.unresolved_engagement_names
-- materialized: union
-- description: The places resolver's report: every area name or code a publisher gave that core.resolve_area could not turn into a GSS code (resolution says why: 'unknown name' or 'ambiguous'), with the source, how many rows carry it and examples. The rows stay in the core tables with a NULL area_code; a name here needs an alias in queries/seeds/area_aliases.csv (or is not a local authority). Empty when every name resolves.
-- grain: source, name
-- test: unique(source, name)
-- test: not_null(source, name, resolution)
marts.library_unresolved_names, marts.unresolved_funding_names, marts.unresolved_engagement_names
