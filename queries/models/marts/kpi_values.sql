-- name: marts.kpi_values
-- depends: marts.kpi_values_spend, marts.kpi_values_real, marts.kpi_values_libraries, marts.kpi_values_investment, marts.kpi_values_engagement, core.areas
-- materialized: union
-- description: Every KPI value: one row per KPI, area, period and boundary basis (as_constituted, current, place), with its numerator, denominator, unit, coverage and the source releases behind it (sources names each release and the population vintage). Stacks the per-theme KPI models that are built; a theme whose sources are not loaded yet is left out and the build says so.
-- grain: kpi_id, area_code, period, boundary_basis
-- test: unique(kpi_id, area_code, period, boundary_basis)
-- test: not_null(kpi_id, area_code, period, boundary_basis, unit, coverage, sources)
-- test: relationships(area_code -> core.areas.area_code) severity=warn
-- test: min_rows(1)
marts.kpi_values_spend, marts.kpi_values_real, marts.kpi_values_libraries, marts.kpi_values_investment, marts.kpi_values_engagement
