-- name: core.museum_visits
-- depends: raw.dcms_museum_visits, core.museum_sites, core.museum_name_aliases, core.museum_key
-- description: Visits to the DCMS-sponsored museums per month, quarter and financial-year running total, each period from the newest official workbook that holds it (its archive sheets included; dataset monthly-visits), or, for a period no workbook holds, from the newest partial export (dataset monthly-visits-export: a table saved as CSV), so a partial file never shrinks what the official release holds; every museum of a period comes from the same release. Names are current names. coverage keeps the DCMS total ('total'), museum group rows ('group') and site rows ('site') apart: the group rows sum to the total, and a group's sites to the group, so sum one coverage at a time. area_code (core.museum_sites) is set on sites and on groups not split into sites, and NULL on the total and on split groups, so visits summed by area_code never double count. Where a period is in both the current and the archive sheets the current one is kept.
-- grain: museum, grain, period_start
-- test: unique(museum, grain, period_start)
-- test: not_null(museum, coverage, grain, period_start, table_id, published_name)
-- test: accepted_values(coverage: 'total', 'group', 'site')
-- test: accepted_values(grain: 'month', 'quarter', 'year_to_date')
-- test: expect(visits IS NULL OR visits >= 0)
-- test: expect(visits IS NOT NULL OR marker IS NOT NULL)
-- test: not_null(museum_group) severity=warn
-- test: expect(coverage = 'total' OR in_museum_sites) severity=warn
-- test: row_count(max_drop=0.5)
WITH releases AS (
    SELECT grain, period_start, _dataset, _vintage, _load_id,
        row_number() OVER (PARTITION BY grain, period_start
            ORDER BY _dataset = 'monthly-visits' DESC, _vintage DESC, _load_id DESC) AS pick
    FROM (SELECT DISTINCT grain, period_start, _dataset, _vintage, _load_id FROM raw.dcms_museum_visits)
),
latest AS (
    SELECT v.* FROM raw.dcms_museum_visits AS v
    JOIN releases AS r USING (grain, period_start, _dataset, _vintage, _load_id)
    WHERE r.pick = 1
),
keys AS (
    SELECT core.museum_key(museum) AS name_key, museum FROM core.museum_sites
    UNION ALL
    SELECT core.museum_key(published_name), museum FROM core.museum_name_aliases
),
named AS (
    SELECT l.*,
        CASE lower(trim(l.coverage))
            WHEN 'all dcms-sponsored museums' THEN 'total'
            WHEN 'museum group' THEN 'group'
            WHEN 'museum site' THEN 'site'
        END AS cov,
        trim(regexp_replace(replace(l.museum_name, chr(160), ' '), '\s*\[\s*[Nn][Oo][Tt][Ee]\s*[0-9]+\s*\]\s*', ' ', 'g')) AS clean_name,
        k.museum AS known_museum,
        kp.museum AS parent_museum
    FROM latest AS l
    LEFT JOIN keys AS k ON k.name_key = core.museum_key(l.museum_name)
    LEFT JOIN keys AS kp ON kp.name_key = core.museum_key(l.parent_name)
),
harmonised AS (
    SELECT n.*,
        CASE WHEN n.cov = 'total' THEN 'DCMS Total' ELSE coalesce(n.known_museum, regexp_replace(n.clean_name, '\s+', ' ', 'g')) END AS museum,
        CASE WHEN n.cov = 'total' THEN 'DCMS Total' ELSE coalesce(s.museum_group, nullif(trim(n.museum_group), ''), ps.museum_group) END AS group_name,
        s.area_code,
        s.museum IS NOT NULL AS in_museum_sites
    FROM named AS n
    LEFT JOIN core.museum_sites AS s ON s.museum = n.known_museum
    LEFT JOIN core.museum_sites AS ps ON ps.museum = n.parent_museum
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY museum, grain, period_start ORDER BY table_id, _row) AS pick
    FROM harmonised
)
SELECT
    museum,
    group_name AS museum_group,
    cov AS coverage,
    period_start,
    CASE grain
        WHEN 'month' THEN CAST(period_start + INTERVAL 1 MONTH - INTERVAL 1 DAY AS DATE)
        WHEN 'quarter' THEN CAST(period_start + INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE)
    END AS period_end,
    grain,
    visits,
    marker,
    revised,
    note,
    area_code,
    in_museum_sites,
    museum_name AS published_name,
    table_id,
    _dataset AS dataset,
    _vintage AS vintage,
    'dcms-museum-visits' AS source
FROM ranked
WHERE pick = 1
