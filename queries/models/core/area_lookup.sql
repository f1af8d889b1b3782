-- name: core.area_lookup
-- depends: core.areas, raw.la_register, core.area_aliases, core.norm_area_name, core.area_name_key
-- description: Every name, alternative name, GSS code, former GSS code, MHCLG E-code and alias that identifies an area, as matching keys with the dates the area existed: an exact key (core.area_name_key) and a loose one (core.norm_area_name). core.resolve_area(name, date) reads it.
-- grain: key, key_type, area_code, origin
-- test: not_null(key, key_type, area_code, origin)
-- test: accepted_values(key_type: 'exact', 'loose')
-- test: relationships(area_code -> core.areas.area_code)
-- test: expect(key <> '')
WITH reg AS (
    SELECT * FROM raw.la_register WHERE _vintage = (SELECT max(_vintage) FROM raw.la_register)
),
labels AS (
    SELECT name AS label, area_code, 'name' AS origin, NULL::DATE AS key_from, NULL::DATE AS key_to FROM core.areas
    UNION ALL
    SELECT official_name, area_code, 'official name', NULL, NULL FROM core.areas
    UNION ALL
    SELECT trim(alt.label), reg.gss_code, 'alternative name', NULL, NULL
    FROM reg, unnest(string_split(coalesce(reg.alt_names, ''), ',')) AS alt(label)
    WHERE reg.gss_code IS NOT NULL
    UNION ALL
    SELECT area_code, area_code, 'GSS code', NULL, NULL FROM core.areas
    UNION ALL
    SELECT trim(f.code), a.area_code, 'former GSS code', NULL, a.valid_from
    FROM core.areas AS a, unnest(string_split(coalesce(a.former_gss_codes, ''), ',')) AS f(code)
    WHERE trim(f.code) <> ''
    UNION ALL
    SELECT ecode, area_code, 'E-code', NULL, NULL FROM core.areas WHERE ecode IS NOT NULL
    UNION ALL
    SELECT alias, area_code, 'alias', valid_from, valid_to FROM core.area_aliases
),
keys AS (
    SELECT core.area_name_key(label) AS key, 'exact' AS key_type, * FROM labels
    UNION ALL
    SELECT core.norm_area_name(label), 'loose', * FROM labels
)
SELECT DISTINCT k.key, k.key_type, k.area_code, a.name, k.origin,
    coalesce(k.key_from, a.valid_from) AS valid_from,
    coalesce(k.key_to, a.valid_to) AS valid_to
FROM keys AS k
JOIN core.areas AS a ON a.area_code = k.area_code
WHERE k.key <> ''
