-- name: core.resolve_area
-- depends: core.area_lookup, core.norm_area_name, core.area_name_key
-- materialized: macro
-- description: Resolves a publisher's name (or GSS code, or MHCLG E-code) for an area at a date to a struct {area_code, how}. When the exact key names any area (at any date) only those areas are considered; otherwise the loose key is used. how is 'matched' when one area with that name existed at the date, 'matched outside its dates' when the name is known only for another period (publishers keep using abolished districts' names; the code returned is the area so named, and core.area_successors maps it to current boundaries), 'ambiguous' when several areas match, 'unknown name' otherwise; names, codes and aliases outrank the register's alternative names; area_code is NULL unless matched. It runs one lookup per call: resolve DISTINCT names, then join back.
CREATE OR REPLACE MACRO core.resolve_area(label, on_date) AS (
    -- The label's two keys are computed once per call, then looked up with equality joins (a
    -- condition computing them per lookup row ran the regular expressions millions of times).
    WITH k AS (
        SELECT core.area_name_key(label) AS exact_key, core.norm_area_name(label) AS loose_key
    ),
    c0 AS (
        SELECT DISTINCT area_code, exact, primary_key,
            (valid_from IS NULL OR valid_from <= CAST(on_date AS DATE))
                AND (valid_to IS NULL OR valid_to > CAST(on_date AS DATE)) AS valid_then
        FROM (
            SELECT l.area_code, true AS exact, l.origin <> 'alternative name' AS primary_key, l.valid_from, l.valid_to
            FROM core.area_lookup AS l, k WHERE l.key_type = 'exact' AND l.key = k.exact_key
            UNION ALL
            SELECT l.area_code, false, l.origin <> 'alternative name', l.valid_from, l.valid_to
            FROM core.area_lookup AS l, k WHERE l.key_type = 'loose' AND l.key = k.loose_key
        )
    ),
    -- A name, code or alias outranks the register's free-text alternative names (which are split
    -- on commas and so yield fragments such as "newcastle upon tyne" for the North of Tyne
    -- Combined Authority).
    c1 AS (
        SELECT *, bool_or(primary_key) OVER (PARTITION BY exact) AS has_primary FROM c0
    ),
    c AS (
        SELECT area_code, exact, valid_then FROM c1 WHERE primary_key OR NOT has_primary
    )
    SELECT CASE
        WHEN count(DISTINCT area_code) FILTER (WHERE exact AND valid_then) = 1
            THEN {'area_code': any_value(area_code) FILTER (WHERE exact AND valid_then), 'how': 'matched'}
        WHEN count(DISTINCT area_code) FILTER (WHERE exact AND valid_then) > 1
            THEN {'area_code': NULL::VARCHAR, 'how': 'ambiguous'}
        WHEN count(DISTINCT area_code) FILTER (WHERE exact) = 1
            THEN {'area_code': any_value(area_code) FILTER (WHERE exact), 'how': 'matched outside its dates'}
        WHEN count(DISTINCT area_code) FILTER (WHERE exact) > 1
            THEN {'area_code': NULL::VARCHAR, 'how': 'ambiguous'}
        WHEN count(DISTINCT area_code) FILTER (WHERE valid_then) = 1
            THEN {'area_code': any_value(area_code) FILTER (WHERE valid_then), 'how': 'matched'}
        WHEN count(DISTINCT area_code) FILTER (WHERE valid_then) > 1
            THEN {'area_code': NULL::VARCHAR, 'how': 'ambiguous'}
        WHEN count(DISTINCT area_code) = 1
            THEN {'area_code': any_value(area_code), 'how': 'matched outside its dates'}
        WHEN count(DISTINCT area_code) > 1
            THEN {'area_code': NULL::VARCHAR, 'how': 'ambiguous'}
        ELSE {'area_code': NULL::VARCHAR, 'how': 'unknown name'}
    END
    FROM c
)
