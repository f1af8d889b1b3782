-- name: core.area_aliases
-- depends:
-- materialized: seed
-- description: Names publishers use for areas that the register's names do not match, each with the GSS code it means, when it applies and why (queries/seeds/area_aliases.csv).
-- test: not_null(alias, area_code, reason)
-- test: unique(alias, valid_from)
seeds/area_aliases.csv
