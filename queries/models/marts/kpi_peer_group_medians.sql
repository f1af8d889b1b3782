-- name: marts.kpi_peer_group_medians
-- depends: marts.kpi_benchmarks, marts.peer_groups
-- description: Each council's KPI value beside the median of each of its peer groups (marts.peer_groups) for the same KPI and period, with the gap ((value − median) ÷ median) and how many members reported. marts.kpi_benchmarks holds the full benchmark against the statistical neighbours; this adds the other groups.
-- grain: kpi_id, area_code, period, peer_group
-- test: unique(kpi_id, area_code, period, peer_group)
-- Councils whose group has the same members (a region, a council type) share one median per KPI
-- and period, computed once per member set.
WITH grp AS (
    SELECT area_code, peer_group, count(*)::INTEGER AS members,
        md5(string_agg(member_code, ',' ORDER BY member_code)) AS set_id
    FROM marts.peer_groups
    GROUP BY area_code, peer_group
),
sets AS (
    SELECT DISTINCT g.set_id, p.member_code
    FROM grp AS g
    JOIN marts.peer_groups AS p ON p.area_code = g.area_code AND p.peer_group = g.peer_group
),
set_medians AS (
    SELECT s.set_id, b.kpi_id, b.period, median(b.value) AS peer_median, count(b.value)::INTEGER AS members_reporting
    FROM sets AS s
    JOIN marts.kpi_benchmarks AS b ON b.area_code = s.member_code
    GROUP BY s.set_id, b.kpi_id, b.period
)
SELECT a.kpi_id, a.area_code, a.period, g.peer_group, a.value,
    m.peer_median,
    CASE WHEN m.peer_median <> 0 THEN (a.value - m.peer_median) / abs(m.peer_median) END AS peer_gap,
    coalesce(m.members_reporting, 0) AS members_reporting, g.members
FROM marts.kpi_benchmarks AS a
JOIN grp AS g ON g.area_code = a.area_code
LEFT JOIN set_medians AS m ON m.set_id = g.set_id AND m.kpi_id = a.kpi_id AND m.period = a.period
