-- name: marts.kpi_catalogue
-- depends:
-- materialized: seed
-- description: The KPI catalogue as data (queries/seeds/kpi_catalogue.csv, from ../shared/docs/kpis.md): id, title, theme, definition, numerator, denominator, unit, polarity (higher_is_better, lower_is_better or context), the sources it needs, caveats and whether Cornerstone computes it.
-- grain: kpi_id
-- test: unique(kpi_id)
-- test: not_null(kpi_id, title, theme, definition, unit, polarity, sources, status)
-- test: accepted_values(polarity: 'higher_is_better', 'lower_is_better', 'context')
-- test: accepted_values(status: 'computed', 'needs_source', 'local_only', 'licensed')
seeds/kpi_catalogue.csv
