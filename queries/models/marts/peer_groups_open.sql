-- name: marts.peer_groups_open
-- depends: marts.peer_inputs, marts.peer_neighbours, core.funding_awards
-- description: Open peer groups for every current council, one row per council, group and member: 'statistical neighbours (csn-1)' (its 15 nearest in marts.peer_neighbours), 'council type' (same tier), 'region' (same region and comparison class) and 'ACE Priority Places' (for a council ACE names as a Priority Place, the other Priority Places in its comparison class; a council is a Priority Place when ACE's Investment Programme data flags a funded organisation there as in one). The council itself is never its own member.
-- grain: area_code, peer_group, member_code
-- test: unique(area_code, peer_group, member_code)
-- test: expect(area_code <> member_code)
-- test: accepted_values(peer_group: 'statistical neighbours (csn-1)', 'council type', 'region', 'ACE Priority Places')
WITH councils AS (
    SELECT area_code, tier, region, comparison_class FROM marts.peer_inputs
),
priority AS (
    SELECT DISTINCT current_area_code AS area_code FROM core.funding_awards
    WHERE source = 'ace-investment-programme' AND priority_place AND current_area_code IS NOT NULL
)
SELECT area_code, 'statistical neighbours (csn-1)' AS peer_group, neighbour_code AS member_code FROM marts.peer_neighbours
UNION ALL
SELECT a.area_code, 'council type', b.area_code FROM councils AS a JOIN councils AS b ON b.tier = a.tier AND b.area_code <> a.area_code
UNION ALL
SELECT a.area_code, 'region', b.area_code FROM councils AS a
JOIN councils AS b ON b.region = a.region AND b.comparison_class = a.comparison_class AND b.area_code <> a.area_code
UNION ALL
SELECT a.area_code, 'ACE Priority Places', b.area_code FROM councils AS a
JOIN priority AS pa ON pa.area_code = a.area_code
JOIN councils AS b ON b.comparison_class = a.comparison_class AND b.area_code <> a.area_code
JOIN priority AS pb ON pb.area_code = b.area_code
