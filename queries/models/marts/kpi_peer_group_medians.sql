-- name: marts.kpi_peer_group_medians
-- depends: marts.kpi_benchmarks, marts.peer_groups
-- description: Each council's KPI value beside the median of each of its peer groups (marts.peer_groups) for the same KPI and period, with the gap ((value − median) ÷ median) and how many members reported. marts.kpi_benchmarks holds the full benchmark against the statistical neighbours; this adds the other groups.
-- grain: kpi_id, area_code, period, peer_group
-- test: unique(kpi_id, area_code, period, peer_group)
SELECT a.kpi_id, a.area_code, a.period, g.peer_group, a.value,
    median(b.value) AS peer_median,
    CASE WHEN median(b.value) <> 0 THEN (a.value - median(b.value)) / abs(median(b.value)) END AS peer_gap,
    count(b.value)::INTEGER AS members_reporting, count(*)::INTEGER AS members
FROM marts.kpi_benchmarks AS a
JOIN marts.peer_groups AS g ON g.area_code = a.area_code
LEFT JOIN marts.kpi_benchmarks AS b ON b.kpi_id = a.kpi_id AND b.period = a.period AND b.area_code = g.member_code
GROUP BY a.kpi_id, a.area_code, a.period, g.peer_group, a.value
