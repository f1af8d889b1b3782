-- name: core.area_changes
-- depends: raw.la_register, raw.ons_lad_lookups, core.areas, core.area_code_changes
-- description: Every change of local authority code: old_code became (part of) new_code on effective_date. kind is 'merger' (several areas, or an area into a larger one), 'split' (an area divided between successors, such as Cumbria and Northamptonshire) or 'recode' (the same authority under a new code). From the register's replaced-by and former-code columns, plus ONS's year-to-year district lookups where they were reachable and the seed of changes neither records. source says which.
-- grain: old_code, new_code
-- test: unique(old_code, new_code)
-- test: not_null(old_code, new_code, kind, source)
-- test: accepted_values(kind: 'merger', 'split', 'recode')
-- test: expect(old_code <> new_code)
WITH reg AS (
    SELECT * FROM raw.la_register
    WHERE _vintage = (SELECT max(_vintage) FROM raw.la_register) AND gss_code IS NOT NULL
),
replaced AS (
    SELECT
        r.gss_code AS old_code,
        s.gss_code AS new_code,
        r.nice_name AS old_name,
        s.nice_name AS new_name,
        coalesce(s.start_date,
                 CASE WHEN strftime(r.end_date, '%m-%d') = '03-31' THEN r.end_date + 1 ELSE r.end_date END) AS effective_date
    FROM reg AS r, unnest(string_split(r.replaced_by, ',')) AS rb(code)
    JOIN reg AS s ON s.register_code = trim(rb.code)
    WHERE r.replaced_by IS NOT NULL
),
classified AS (
    SELECT *,
        count(*) OVER (PARTITION BY old_code) AS successors,
        count(*) OVER (PARTITION BY new_code) AS predecessors
    FROM replaced
),
from_register AS (
    SELECT old_code, new_code, effective_date,
        CASE
            WHEN successors > 1 THEN 'split'
            WHEN predecessors = 1 AND old_name = new_name THEN 'recode'
            ELSE 'merger'
        END AS kind,
        'register replaced-by' AS source
    FROM classified
),
former AS (
    SELECT trim(f.code) AS old_code, a.area_code AS new_code, NULL::DATE AS effective_date, 'recode' AS kind,
        'register former-gss-codes' AS source
    FROM core.areas AS a, unnest(string_split(coalesce(a.former_gss_codes, ''), ',')) AS f(code)
    WHERE trim(f.code) <> ''
),
ons AS (
    SELECT from_code AS old_code, to_code AS new_code, make_date(to_year, 4, 1) AS effective_date,
        CASE
            WHEN count(*) OVER (PARTITION BY to_code, _vintage) > 1 THEN 'merger'
            ELSE 'recode'
        END AS kind,
        'ONS lookup ' || _vintage AS source
    FROM raw.ons_lad_lookups
    WHERE from_code <> to_code
    QUALIFY row_number() OVER (PARTITION BY from_code, to_code ORDER BY to_year) = 1
),
seeded AS (
    SELECT old_code, new_code, effective_date, kind, 'seed: ' || reason AS source FROM core.area_code_changes
),
everything AS (
    SELECT *, 1 AS priority FROM seeded
    UNION ALL SELECT *, 2 FROM from_register
    UNION ALL SELECT *, 3 FROM ons
    UNION ALL SELECT *, 4 FROM former
)
SELECT old_code, new_code, effective_date, kind, source
FROM everything
QUALIFY row_number() OVER (PARTITION BY old_code, new_code ORDER BY priority) = 1
