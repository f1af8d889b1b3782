-- name: core.library_counts
-- depends: core.library_sites
-- description: Libraries per reporting authority and year from the newest Libraries Location Dataset: statutory static libraries (Static Library and Static Local History Library marked statutory that year), and, for the dataset's latest year only (opening hours are the current ones), those open 10 or more hours a week; plus all static libraries, mobile libraries and co-located statutory static libraries in the latest year. area_code is NULL when the reporting service did not resolve (see core.library_sites.resolution).
-- grain: reporting_service, year
-- test: unique(reporting_service, year)
-- test: not_null(reporting_service, year, statutory_static_libraries)
-- test: not_null(area_code) severity=warn
-- test: expect(statutory_static_10h_plus IS NULL OR statutory_static_10h_plus <= statutory_static_libraries)
WITH per_year AS (
    SELECT s.*, e.key AS year, e.value AS statutory
    FROM core.library_sites AS s, unnest(map_entries(s.statutory_by_year)) AS t(e)
)
SELECT
    any_value(area_code) AS area_code,
    reporting_service,
    any_value(reporting_service_code) AS reporting_service_code,
    year,
    count(*) FILTER (WHERE is_static AND statutory) AS statutory_static_libraries,
    CASE WHEN year = any_value(latest_year)
        THEN count(*) FILTER (WHERE is_static AND statutory AND hours_open_per_week >= 10) END AS statutory_static_10h_plus,
    CASE WHEN year = any_value(latest_year)
        THEN count(*) FILTER (WHERE is_static AND statutory AND co_located) END AS statutory_static_co_located,
    CASE WHEN year = any_value(latest_year)
        THEN count(*) FILTER (WHERE is_static AND year_closed IS NULL) END AS static_libraries_open,
    CASE WHEN year = any_value(latest_year)
        THEN count(*) FILTER (WHERE type = 'Mobile Library' AND year_closed IS NULL) END AS mobile_libraries,
    any_value(release) AS release
FROM per_year
GROUP BY reporting_service, year
