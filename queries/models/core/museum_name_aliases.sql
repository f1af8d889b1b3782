-- name: core.museum_name_aliases
-- depends: core.museum_sites
-- materialized: seed
-- description: Names DCMS publishes for a museum that differ from its current name (archive spellings, the annual performance indicators' group names), each with the museum it means and why (queries/seeds/museum_name_aliases.csv).
-- grain: published_name
-- test: unique(published_name)
-- test: not_null(published_name, museum, reason)
-- test: relationships(museum -> core.museum_sites.museum)
seeds/museum_name_aliases.csv
