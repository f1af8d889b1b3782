-- name: core.library_plausibility
-- depends: core.library_activity, core.population_nearest
-- description: A plausibility ceiling for every ACE library activity figure (core.library_activity, same grain), which no true figure can exceed: things counted over a period (visits, loans, additional lending, wifi sessions, device loans, events and event attendees) at most one per resident per day of the period; PC hours at most 24 hours a day of every PC and device in service (the service's own count at the year end), else 24 hours a day per resident; active members, PCs and devices at most one per resident. Residents are the authority's ONS estimate for the mid-year the financial year starts in, or the nearest held (core.population_nearest). ceiling_rule states the arithmetic and label names the figure (measure, format and age band, period); plausible is false above the ceiling and NULL when no ceiling is known (authority not resolved, no population). Figures are kept as published: one above its ceiling fails this model's warn test for its measure (meta.test_results) and is named in marts.kpi_values.quality_flag of the library KPIs of that authority and year; it is never dropped or changed.
-- grain: authority_name, library_service, measure, format, age_band, period_start, period_end
-- test: unique(authority_name, library_service, measure, format, age_band, period_start, period_end)
-- test: not_null(authority_name, library_service, financial_year, measure, value)
-- test: expect(measure <> 'visits' OR plausible IS NOT false) severity=warn
-- test: expect(measure <> 'loans' OR plausible IS NOT false) severity=warn
-- test: expect(measure <> 'additional_lending' OR plausible IS NOT false) severity=warn
-- test: expect(measure <> 'pc_hours' OR plausible IS NOT false) severity=warn
-- test: expect(measure <> 'wifi_sessions' OR plausible IS NOT false) severity=warn
-- test: expect(measure NOT IN ('events', 'event_attendees') OR plausible IS NOT false) severity=warn
-- test: expect(measure <> 'active_members' OR plausible IS NOT false) severity=warn
-- test: expect(measure NOT IN ('pcs_devices_in_service', 'devices_for_loan', 'device_loan_issues') OR plausible IS NOT false) severity=warn
WITH a AS (
    SELECT *, date_diff('day', period_start, period_end) + 1 AS days,
        CAST(left(financial_year, 4) AS INTEGER) AS start_year
    FROM core.library_activity
),
devices AS (
    SELECT library_service, financial_year, max(value) AS devices
    FROM core.library_activity
    WHERE measure = 'pcs_devices_in_service' AND age_band = 'total' AND value > 0
    GROUP BY ALL
),
c AS (
    SELECT a.*, d.devices, p.population,
        CASE
            WHEN a.measure = 'pc_hours' AND d.devices IS NOT NULL THEN d.devices * 24 * a.days
            WHEN a.measure = 'pc_hours' THEN p.population * 24 * a.days
            WHEN a.measure IN ('active_members', 'pcs_devices_in_service', 'devices_for_loan') THEN p.population
            ELSE p.population * a.days
        END AS ceiling,
        CASE
            WHEN a.measure = 'pc_hours' AND d.devices IS NOT NULL
                THEN format('{:,} PCs and devices in service × 24 hours × {} days', d.devices::BIGINT, a.days)
            WHEN p.population IS NULL THEN NULL
            WHEN a.measure = 'pc_hours' THEN format('{:,} residents × 24 hours × {} days (no device count)', p.population::BIGINT, a.days)
            WHEN a.measure IN ('active_members', 'pcs_devices_in_service', 'devices_for_loan')
                THEN format('{:,} residents (mid-{})', p.population::BIGINT, p.population_year)
            ELSE format('one a day per resident: {:,} residents × {} days', p.population::BIGINT, a.days)
        END AS ceiling_rule
    FROM a
    LEFT JOIN devices AS d USING (library_service, financial_year)
    LEFT JOIN core.population_nearest AS p
        ON p.area_code = a.area_code AND p.basis = 'as_constituted' AND p.year = a.start_year
)
SELECT area_code, authority_name, library_service, financial_year, period_start, period_end, period_type,
    measure, format, age_band, value, ceiling, ceiling_rule,
    value <= ceiling AS plausible,
    measure || CASE WHEN format <> 'all' OR age_band <> 'total'
            THEN ' (' || concat_ws(', ', nullif(format, 'all'), nullif(age_band, 'total')) || ')' ELSE '' END
        || ', ' || CASE period_type WHEN 'month' THEN strftime(period_start, '%B %Y')
            WHEN 'quarter' THEN 'quarter to ' || strftime(period_end, '%B %Y')
            WHEN 'year' THEN financial_year
            ELSE strftime(period_end, '%-d %B %Y') END AS label,
    source_column, release
FROM c
