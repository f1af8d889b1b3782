-- name: core.library_sites
-- depends: raw.ace_library_sites, raw.ace_library_site_years, core.resolve_area
-- description: Every library in ACE's newest Libraries Location Dataset (static, mobile, prison, local history library or archive, open or closed since 2010): type, statutory status and operation model per year (maps year -> value, as published), whether statutory in the latest year, operator, opening hours, co-location, coordinates, and the GSS area_code of its reporting service (resolved from the published code, else the name, at the end of the latest year; NULL with the reason in resolution when neither resolves).
-- grain: site_id
-- test: unique(site_id)
-- test: not_null(site_id, reporting_service, name, type, latest_year, resolution)
-- test: not_null(area_code) severity=warn
-- test: expect(hours_open_per_week IS NULL OR hours_open_per_week BETWEEN 0 AND 168)
WITH latest AS (
    SELECT * FROM raw.ace_library_sites
    WHERE _load_id = (SELECT max(_load_id) FROM raw.ace_library_sites)
),
years AS (
    SELECT y.site_row,
        max(y.year) AS latest_year,
        map_from_entries(list({'k': y.year, 'v': lower(trim(y.statutory)) = 'yes'} ORDER BY y.year) FILTER (WHERE y.statutory IS NOT NULL)) AS statutory_by_year,
        map_from_entries(list({'k': y.year, 'v': y.operation} ORDER BY y.year) FILTER (WHERE y.operation IS NOT NULL)) AS operation_by_year
    FROM raw.ace_library_site_years AS y
    WHERE y._load_id = (SELECT max(_load_id) FROM raw.ace_library_sites)
    GROUP BY y.site_row
),
release_year AS (
    SELECT max(year) AS year FROM raw.ace_library_site_years
    WHERE _load_id = (SELECT max(_load_id) FROM raw.ace_library_sites)
),
services AS (
    SELECT reporting_service, reporting_service_code,
        core.resolve_area(coalesce(reporting_service_code, reporting_service),
            make_date((SELECT year FROM release_year), 12, 31)) AS r
    FROM (SELECT DISTINCT reporting_service, reporting_service_code FROM latest)
),
services_by_name AS (
    SELECT reporting_service, reporting_service_code,
        CASE WHEN r.area_code IS NULL AND reporting_service_code IS NOT NULL
            THEN core.resolve_area(reporting_service, make_date((SELECT year FROM release_year), 12, 31))
            ELSE r END AS r
    FROM services
)
SELECT
    md5(concat_ws('|', l.reporting_service_code, l.reporting_service, l.name, l.type, l.postcode, l._row::VARCHAR)) AS site_id,
    s.r.area_code AS area_code,
    l.reporting_service,
    l.reporting_service_code,
    l.upper_tier_authority,
    l.name,
    l.type,
    l.type LIKE 'Static%' AS is_static,
    (SELECT year FROM release_year) AS latest_year,
    coalesce(y.statutory_by_year[(SELECT year FROM release_year)], false) AS statutory_latest,
    y.statutory_by_year,
    y.operation_by_year,
    y.operation_by_year[(SELECT year FROM release_year)] AS operation_latest,
    l.year_opened,
    l.year_closed,
    l.operating_organisation,
    l.department,
    lower(l.co_located) = 'yes' AS co_located,
    l.co_located_with,
    l.co_located_other,
    l.opening_times,
    l.hours_open_per_week,
    l.staffed_hours_per_week,
    l.automated,
    l.address_1, l.address_2, l.address_3, l.postcode, l.uprn,
    l.easting, l.northing, l.longitude, l.latitude,
    l.rural_urban_code,
    l.imd_decile,
    s.r.how AS resolution,
    l._dataset || '@' || l._vintage AS release,
    l._file AS source_file,
    l._row AS source_row
FROM latest AS l
LEFT JOIN years AS y ON y.site_row = l._row
JOIN services_by_name AS s ON s.reporting_service = l.reporting_service
    AND s.reporting_service_code IS NOT DISTINCT FROM l.reporting_service_code
