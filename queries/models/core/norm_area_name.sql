-- name: core.norm_area_name
-- depends:
-- materialized: macro
-- description: The matching key of a local authority name: lower case, accents and punctuation gone, "&" read as "and", and the words publishers add or drop (council, city, county, of, borough, district, metropolitan, royal, the, corporation, unitary, authority) removed, so "Bristol, City of", "City of Bristol" and "Bristol City Council" all give "bristol". GSS and E-codes give themselves in lower case.
CREATE OR REPLACE MACRO core.norm_area_name(s) AS trim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
    lower(strip_accents(coalesce(CAST(s AS VARCHAR), ''))),
    '&', ' and ', 'g'),
    '[^a-z0-9]+', ' ', 'g'),
    '\b(the|council|city|county|of|borough|district|metropolitan|royal|corporation|unitary|authority)\b', ' ', 'g'),
    '\s+', ' ', 'g'))
