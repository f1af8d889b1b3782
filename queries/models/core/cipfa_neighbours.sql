-- name: core.cipfa_neighbours
-- depends: raw.cipfa_neighbours, core.areas
-- description: Licensed CIPFA nearest neighbours: for each council and CIPFA model, the list from the newest import that covers them (rank 1 nearest), with both councils' names and who holds the licence under which the list is used. Not open data: reports that use it say it is licensed and by whom.
-- grain: area_code, model, neighbour_code
-- test: unique(area_code, model, neighbour_code)
-- test: unique(area_code, model, rank)
-- test: not_null(area_code, neighbour_code, rank, model, licence_holder, source_file)
-- test: expect(rank BETWEEN 1 AND 15)
-- test: expect(area_code <> neighbour_code)
-- test: relationships(area_code -> core.areas.area_code) severity=warn
-- test: relationships(neighbour_code -> core.areas.area_code) severity=warn
WITH newest AS (
    SELECT area_code, model, max(_load_id) AS load_id
    FROM raw.cipfa_neighbours
    GROUP BY area_code, model
)
SELECT
    r.area_code,
    a.name AS area_name,
    r.neighbour_code,
    b.name AS neighbour_name,
    r.rank,
    r.model,
    r.licence_holder,
    r._file AS source_file,
    r._vintage AS release,
    r._load_id AS load_id
FROM raw.cipfa_neighbours AS r
JOIN newest AS n ON n.area_code = r.area_code AND n.model = r.model AND n.load_id = r._load_id
LEFT JOIN core.areas AS a ON a.area_code = r.area_code
LEFT JOIN core.areas AS b ON b.area_code = r.neighbour_code
