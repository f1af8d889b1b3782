-- name: core.museum_indicators
-- depends: raw.dcms_museum_indicators, core.museum_sites, core.museum_name_aliases, core.museum_key
-- description: The DCMS-sponsored museums' annual performance indicators from the newest edition, long form: one row per museum (under the same current names as core.museum_visits), indicator and financial year, value in unit ('visits', 'proportion' 0-1, 'venues', 'instances', 'gbp' pounds), break_flag where the year starts a break in series [b]; the Total rows and table 2 are museum 'DCMS Total' with coverage 'total' (rounded to the nearest thousand by DCMS).
-- grain: museum, indicator, financial_year
-- test: unique(museum, indicator, financial_year)
-- test: not_null(museum, indicator, table_id, financial_year, unit, coverage, break_flag, revised)
-- test: accepted_values(unit: 'visits', 'proportion', 'venues', 'instances', 'gbp')
-- test: accepted_values(coverage: 'total', 'group', 'site')
-- test: expect(unit <> 'proportion' OR value IS NULL OR value BETWEEN 0 AND 1)
-- test: expect(value IS NOT NULL OR marker IS NOT NULL)
-- test: not_null(museum_group) severity=warn
-- test: row_count(max_drop=0.5)
WITH latest AS (
    SELECT * FROM raw.dcms_museum_indicators
    WHERE _vintage = (SELECT max(_vintage) FROM raw.dcms_museum_indicators)
),
keys AS (
    SELECT core.museum_key(museum) AS name_key, museum FROM core.museum_sites
    UNION ALL
    SELECT core.museum_key(published_name), museum FROM core.museum_name_aliases
),
named AS (
    SELECT l.*,
        l.museum_name IS NULL OR core.museum_key(l.museum_name) = 'total' AS is_total,
        trim(regexp_replace(regexp_replace(replace(coalesce(l.museum_name, ''), chr(160), ' '), '\[\s*[Nn][Oo][Tt][Ee]\s*[0-9]+\s*\]', ' ', 'g'), '\s+', ' ', 'g')) AS clean_name,
        k.museum AS known_museum
    FROM latest AS l
    LEFT JOIN keys AS k ON k.name_key = core.museum_key(l.museum_name)
)
SELECT
    CASE WHEN n.is_total THEN 'DCMS Total' ELSE coalesce(n.known_museum, n.clean_name) END AS museum,
    CASE WHEN n.is_total THEN 'DCMS Total' ELSE s.museum_group END AS museum_group,
    CASE WHEN n.is_total THEN 'total' ELSE coalesce(s.coverage, 'group') END AS coverage,
    n.indicator,
    n.table_id,
    n.financial_year,
    n.value,
    n.unit,
    n.marker,
    n.break_flag,
    n.revised,
    n.note,
    n.museum_name AS published_name,
    n._vintage AS edition,
    'dcms-museum-indicators' AS source
FROM named AS n
LEFT JOIN core.museum_sites AS s ON s.museum = n.known_museum
