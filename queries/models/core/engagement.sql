-- name: core.engagement
-- depends: raw.dcms_participation, core.resolve_area
-- description: DCMS Participation Survey estimates per local authority, survey year and question (measure, the table's question text), with the 95% confidence interval kept (lower_ci, upper_ci, percentage points 0-100), the number of respondents and the base; each survey year's figures from the newest publication holding it. area_code is the published LAD code, else the area name resolved with core.resolve_area at the end of the survey year (resolution says how; unresolved names keep a NULL area_code).
-- grain: table_id, area_name, survey_year
-- test: unique(table_id, area_name, survey_year)
-- test: not_null(table_id, measure, survey_year, area_name, resolution)
-- test: expect(percentage IS NULL OR percentage BETWEEN 0 AND 100)
-- test: expect(percentage IS NULL OR lower_ci IS NULL OR lower_ci <= percentage)
-- test: expect(percentage IS NULL OR upper_ci IS NULL OR upper_ci >= percentage)
-- test: expect(respondents IS NULL OR base IS NULL OR respondents <= base)
-- test: expect((lower_ci IS NULL OR lower_ci >= 0) AND (upper_ci IS NULL OR upper_ci <= 100))
-- test: not_null(area_code) severity=warn
-- test: row_count(max_drop=0.5)
WITH cleaned AS (
    SELECT r.*,
        trim(regexp_replace(regexp_replace(r.area_name, '\[\s*[Nn][Oo][Tt][Ee]\s*[0-9]+\s*\]', ' ', 'g'), '\s+', ' ', 'g')) AS name,
        trim(regexp_replace(regexp_replace(r.question, '\[\s*[Nn][Oo][Tt][Ee]\s*[0-9]+\s*\]', ' ', 'g'), '\s+', ' ', 'g')) AS measure
    FROM raw.dcms_participation AS r
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY table_id, name, survey_year ORDER BY _vintage DESC, _load_id DESC, _row) AS pick
    FROM cleaned
),
latest AS (SELECT * FROM ranked WHERE pick = 1),
names AS (
    SELECT DISTINCT name, survey_year FROM latest WHERE area_code IS NULL
),
resolved AS (
    SELECT name, survey_year,
        core.resolve_area(name, make_date(CAST(left(survey_year, 4) AS INTEGER) + 1, 3, 31)) AS r
    FROM names
)
SELECT
    coalesce(l.area_code, v.r.area_code) AS area_code,
    l.name AS area_name,
    l.region,
    l.survey_year,
    l.table_id,
    l.measure,
    l.percentage,
    l.lower_estimate AS lower_ci,
    l.upper_estimate AS upper_ci,
    l.respondents,
    l.base,
    l.marker,
    l.note,
    CASE WHEN l.area_code IS NOT NULL THEN 'published code' ELSE v.r.how END AS resolution,
    l._vintage AS vintage,
    'dcms-participation' AS source
FROM latest AS l
LEFT JOIN resolved AS v ON v.name = l.name AND v.survey_year = l.survey_year AND l.area_code IS NULL
