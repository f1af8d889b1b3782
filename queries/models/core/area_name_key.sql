-- name: core.area_name_key
-- depends:
-- materialized: macro
-- description: The exact matching key of a local authority name: lower case, accents and punctuation gone, "&" read as "and", "council" and "the" dropped, words kept in order. "North Yorkshire County Council" gives "north yorkshire county", which core.norm_area_name would reduce to "north yorkshire" (the 2023 unitary); core.resolve_area tries this key first.
CREATE OR REPLACE MACRO core.area_name_key(s) AS trim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    lower(strip_accents(coalesce(CAST(s AS VARCHAR), ''))),
    '&', ' and ', 'g'),
    '[^a-z0-9]+', ' ', 'g'),
    '\b(the|council)\b', ' ', 'g'),
    '\s+', ' ', 'g'))
