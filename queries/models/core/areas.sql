-- name: core.areas
-- depends: raw.la_register
-- description: Every UK local authority in the newest register snapshot, one row per GSS code, with its tier, MHCLG E-code, region and the dates it existed (valid_from inclusive, valid_to exclusive; NULL when unknown or still current).
-- grain: area_code
-- test: unique(area_code)
-- test: not_null(area_code, name, tier, nation)
-- test: accepted_values(tier: 'unitary', 'county', 'non-metropolitan district', 'metropolitan district', 'london borough', 'city corporation', 'combined authority', 'strategic authority', 'scottish unitary', 'welsh unitary', 'ni district')
-- test: expect(valid_to IS NULL OR valid_from IS NULL OR valid_to > valid_from)
-- test: min_rows(1)
WITH latest AS (
    SELECT max(_vintage) AS vintage FROM raw.la_register
)
SELECT
    r.gss_code AS area_code,
    r.nice_name AS name,
    r.official_name,
    CASE r.la_type
        WHEN 'UA' THEN 'unitary'
        WHEN 'CTY' THEN 'county'
        WHEN 'NMD' THEN 'non-metropolitan district'
        WHEN 'MD' THEN 'metropolitan district'
        WHEN 'LBO' THEN 'london borough'
        WHEN 'CC' THEN 'city corporation'
        WHEN 'COMB' THEN 'combined authority'
        WHEN 'CA' THEN 'combined authority'
        WHEN 'SRA' THEN 'strategic authority'
        WHEN 'SCO' THEN 'scottish unitary'
        WHEN 'WPA' THEN 'welsh unitary'
        WHEN 'NID' THEN 'ni district'
    END AS tier,
    r.la_type AS register_type,
    r.ecode,
    nullif(r.region, '') AS region,
    r.nation,
    r.start_date AS valid_from,
    -- The register gives the last day (2019-03-31) for some abolitions and the successor's first
    -- day (2023-04-01) for others; valid_to is always exclusive: the first day it no longer existed.
    CASE WHEN strftime(r.end_date, '%m-%d') = '03-31' THEN r.end_date + 1 ELSE r.end_date END AS valid_to,
    r.end_date IS NULL AS is_current,
    r.register_code,
    county.gss_code AS county_code,
    r.former_gss_codes,
    r._vintage AS register_vintage
FROM raw.la_register AS r
JOIN latest ON r._vintage = latest.vintage
LEFT JOIN raw.la_register AS county
    ON county.register_code = r.county_la AND county._vintage = r._vintage
WHERE r.gss_code IS NOT NULL
  AND r.la_type IN ('UA', 'CTY', 'NMD', 'MD', 'LBO', 'CC', 'COMB', 'CA', 'SRA', 'SCO', 'WPA', 'NID')
