-- name: core.investment_returns
-- depends: raw.local_investment_returns, core.resolve_area, core.area_successors
-- description: Investment generated, as councils and networks returned it (template investment), one row per contribution from the newest return of each organisation, project and period (a later return supersedes only the projects it restates; the projects of an earlier return for the same period that it leaves out stay, unless it was loaded with --replace): amount in pounds by source type (cash by funder category, partner cash, staff time, in-kind, other), with breakdown, the line it counts under in the breakdown ('cash from <funder category>' for cash, else the source type), the area resolved (area_code as given if known, current_area_code the current council it lies in).
-- grain: load_id, row_number
-- test: unique(load_id, row_number)
-- test: not_null(organisation, area_code_as_given, project, period_start, period_end, source_type, breakdown, amount_gbp)
-- test: accepted_values(source_type: 'cash', 'partner cash', 'staff time', 'in-kind', 'other')
-- test: expect(amount_gbp >= 0)
-- test: expect(period_end >= period_start)
WITH r AS (
    SELECT * FROM raw.local_investment_returns
    QUALIFY _load_id = max(_load_id) OVER (PARTITION BY organisation, project, period_start, period_end)
),
codes AS (
    SELECT DISTINCT area_code, period_start FROM r
),
resolved AS (
    SELECT area_code, period_start, core.resolve_area(area_code, period_start) AS res FROM codes
),
successor AS (
    SELECT area_code, CASE WHEN count(*) = 1 THEN any_value(current_code) END AS current_code
    FROM core.area_successors
    GROUP BY area_code
)
SELECT
    r._dataset AS dataset,
    r._vintage AS vintage,
    r._load_id AS load_id,
    r._file AS source_file,
    r._row AS row_number,
    r.organisation,
    r.area_code AS area_code_as_given,
    x.res.area_code AS area_code,
    s.current_code AS current_area_code,
    x.res.how AS resolution,
    r.project,
    r.period_start,
    r.period_end,
    r.source_type,
    r.funder_category,
    r.funder,
    CASE WHEN r.source_type = 'cash' THEN 'cash from ' || r.funder_category ELSE r.source_type END AS breakdown,
    r.amount_gbp,
    r.hours,
    r.note
FROM r
LEFT JOIN resolved AS x ON x.area_code = r.area_code AND x.period_start = r.period_start
LEFT JOIN successor AS s ON s.area_code = x.res.area_code
