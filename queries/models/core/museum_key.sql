-- name: core.museum_key
-- depends:
-- materialized: macro
-- description: The matching key of a museum name as DCMS publishes it: "[note N]" markers removed, non-breaking spaces read as spaces, runs of spaces collapsed, trimmed and lower-cased, so "IWM DUXFORD ", "IWM Duxford" and "IWM Duxford [note 3]" all give "iwm duxford".
CREATE OR REPLACE MACRO core.museum_key(s) AS lower(trim(regexp_replace(regexp_replace(
    replace(coalesce(CAST(s AS VARCHAR), ''), chr(160), ' '),
    '\[\s*[Nn][Oo][Tt][Ee]\s*[0-9]+\s*\]', ' ', 'g'),
    '\s+', ' ', 'g')))
