-- name: core.area_code_changes
-- depends:
-- materialized: seed
-- description: Code changes the register snapshot does not record (LAD25 recodes such as Barnsley and Sheffield) or records without a usable date, with the source of each (queries/seeds/area_code_changes.csv).
-- test: not_null(old_code, new_code, kind, reason)
-- test: accepted_values(kind: 'recode', 'merger', 'split')
-- test: unique(old_code, new_code)
seeds/area_code_changes.csv
