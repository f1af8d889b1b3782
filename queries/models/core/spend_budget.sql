-- name: core.spend_budget
-- depends: raw.mhclg_ra, core.areas
-- description: Council revenue budgets (MHCLG Revenue Account, RA) on the cultural lines, one row per authority, financial year, RA line and release vintage, in pounds (value_gbp = published £ thousand × 1000; NULL with value_note for blanks and markers). Every RA service value is a net current expenditure budget, so measure is 'C7' and compares with core.spend's C7; the RA form groups RO5's lines, and ro5_lines lists which RO5 lines (core.spend.service_line) an RA line covers. is_latest marks the newest vintage of each year.
-- grain: area_code, ecode, financial_year, service_line, source_release, vintage
-- test: unique(area_code, ecode, financial_year, service_line, source_release, vintage)
-- test: not_null(financial_year, form, service_line, measure, status, source_release, vintage)
-- test: accepted_values(status: 'submitted', 'not submitted')
-- test: expect(value_gbp IS NOT NULL OR value_note IS NOT NULL)
-- test: min_rows(1)
WITH ecodes AS (
    SELECT ecode, arg_max(area_code, coalesce(valid_from, DATE '1900-01-01')) AS area_code
    FROM core.areas WHERE ecode IS NOT NULL GROUP BY ecode
),
latest_load AS (
    SELECT _dataset, arg_max(_vintage, _load_id) AS vintage FROM raw.mhclg_ra GROUP BY _dataset
)
SELECT
    CASE WHEN regexp_full_match(r.ons_code, 'E\d{8}') THEN r.ons_code ELSE e.area_code END AS area_code,
    r.ecode, r.financial_year, 'RA' AS form, r.line AS service_line, 'C7' AS measure,
    r.value_thousand * 1000 AS value_gbp, r.status, r._dataset AS source_release, r._vintage AS vintage,
    r.la_name, r.service, r.value_note, 'GBP' AS unit,
    CASE r.line
        WHEN 'archives' THEN ['archives']
        WHEN 'culture_heritage_excl_archives' THEN ['arts_development', 'heritage', 'museums_galleries', 'theatres']
        WHEN 'recreation_sport' THEN ['community_centres', 'foreshore', 'sports_development', 'sports_facilities']
        WHEN 'open_spaces' THEN ['open_spaces', 'parks_open_spaces', 'allotments']
        WHEN 'tourism' THEN ['tourism']
        WHEN 'library' THEN ['library']
        WHEN 'total_cultural' THEN ['total_cultural']
    END AS ro5_lines,
    r.section, r.ra_line, r.asset_id, r._file AS source_file,
    r._vintage = l.vintage AS is_latest
FROM raw.mhclg_ra AS r
JOIN latest_load AS l ON l._dataset = r._dataset
LEFT JOIN ecodes AS e ON e.ecode = r.ecode
