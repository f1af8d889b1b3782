-- name: marts.peer_groups_cipfa
-- depends: core.cipfa_neighbours
-- description: CIPFA nearest neighbours imported by a licence holder (cipfa-neighbours), as peer groups named after the model ('CIPFA NN 2019 (licensed to …)').
-- grain: area_code, peer_group, member_code
SELECT DISTINCT area_code, model || ' (licensed to ' || licence_holder || ')' AS peer_group, neighbour_code AS member_code
FROM core.cipfa_neighbours
