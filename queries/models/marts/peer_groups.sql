-- name: marts.peer_groups
-- depends: marts.peer_groups_open, marts.peer_groups_cipfa
-- materialized: union
-- description: Every peer group of every council: the open groups (statistical neighbours csn-1, council type, region, ACE Priority Places) and any imported CIPFA nearest-neighbour list. One row per council, group and member.
-- grain: area_code, peer_group, member_code
-- test: unique(area_code, peer_group, member_code)
marts.peer_groups_open, marts.peer_groups_cipfa
