-- name: core.funding_awards
-- depends: raw.ace_investment_programme, raw.ace_project_grants, raw.threesixtygiving_grants, core.resolve_area, core.area_lookup, core.area_successors, core.areas
-- description: Public cultural investment, one row per award, from the newest release of each dataset: Arts Council England Investment Programme offers (annual funding kept, period total = annual x years of the programme, financial-year period), National Lottery Project Grants (period = the financial year of the decision) and 360Giving grants (planned dates; amount_gbp only for GBP grants), placed in an area: ACE by the local authority it names, 360Giving by beneficiary location code when given, else the recipient organisation's location (hq_effect marks grants placed at a London recipient address, where a national body's headquarters may stand in for where the money went). area_code is the area as named (abolished districts included); current_area_code the current council it lies in (NULL when the area was split or not placed). Unplaced awards stay, with resolution saying why, and are listed in core.funding_unresolved.
-- grain: award_id
-- test: unique(award_id)
-- test: not_null(award_id, funder, programme, recipient_name, location_basis, source, release)
-- test: accepted_values(location_basis: 'local authority as published', 'beneficiary location', 'recipient organisation location', 'not placed')
-- test: accepted_values(source: 'ace-investment-programme', 'ace-project-grants', 'threesixtygiving')
-- test: expect(period_end IS NULL OR period_start IS NULL OR period_end >= period_start)
-- test: expect(annual_amount_gbp IS NULL OR abs(amount_gbp - annual_amount_gbp * years) < 0.005)
-- test: relationships(current_area_code -> core.areas.area_code)
-- test: row_count(max_drop=0.5)
WITH ip AS (
    SELECT *,
        CAST(substr(offer_period, 1, 4) AS INTEGER) AS start_year,
        CAST(substr(offer_period, 1, 2) || substr(offer_period, 6, 2) AS INTEGER) AS end_year,
        row_number() OVER (PARTITION BY _dataset, offer_period, applicant_name ORDER BY _row) AS dup
    FROM raw.ace_investment_programme
    QUALIFY _load_id = max(_load_id) OVER (PARTITION BY _dataset)
),
ip_awards AS (
    SELECT
        'ace-ip/' || offer_period || '/' || applicant_name || CASE WHEN dup > 1 THEN '#' || dup ELSE '' END AS award_id,
        'Arts Council England' AS funder,
        offer_period || ' Investment Programme: ' || regexp_replace(org_type, ' \(Transfer\)$', '') AS programme,
        applicant_name AS recipient_name,
        NULL::VARCHAR AS recipient_id,
        local_authority AS area_label,
        coalesce(offer_date, make_date(start_year, 4, 1)) AS resolve_on,
        offer_date AS award_date,
        make_date(start_year, 4, 1) AS period_start,
        make_date(end_year, 3, 31) AS period_end,
        end_year - start_year AS years,
        offer_annual_gbp * (end_year - start_year) AS amount_gbp,
        offer_annual_gbp AS annual_amount_gbp,
        'local authority as published' AS basis_if_placed,
        NULL::VARCHAR AS fallback_label,
        org_type,
        org_type LIKE '%(Transfer)' AS transfer,
        lucp = 'LUCP' AS lucp,
        lower(priority_place) = 'priority place' AS priority_place,
        'ace-investment-programme' AS source,
        _dataset AS dataset, _vintage AS vintage
    FROM ip
),
pg AS (
    SELECT *,
        row_number() OVER (PARTITION BY _dataset, recipient, activity_name, award_amount_gbp, award_date ORDER BY _row) AS dup
    FROM raw.ace_project_grants
    QUALIFY _load_id = max(_load_id) OVER (PARTITION BY _dataset)
),
-- Workbooks overlap (a combined 2018-2024 file and per-period files): an award is taken once,
-- from the most recently loaded file holding it.
pg_once AS (
    SELECT * FROM pg
    QUALIFY row_number() OVER (PARTITION BY recipient, activity_name, award_amount_gbp, award_date, dup ORDER BY _load_id DESC) = 1
),
pg_awards AS (
    SELECT
        'ace-pg/' || award_date || '/' || md5(concat_ws('|', recipient, activity_name, award_amount_gbp::VARCHAR))
            || CASE WHEN dup > 1 THEN '#' || dup ELSE '' END AS award_id,
        'Arts Council England' AS funder,
        'National Lottery Project Grants' || coalesce(': ' || strand, '') AS programme,
        recipient AS recipient_name,
        NULL::VARCHAR AS recipient_id,
        local_authority AS area_label,
        award_date AS resolve_on,
        award_date,
        make_date(year(award_date) - CASE WHEN month(award_date) < 4 THEN 1 ELSE 0 END, 4, 1) AS period_start,
        make_date(year(award_date) + CASE WHEN month(award_date) < 4 THEN 0 ELSE 1 END, 3, 31) AS period_end,
        NULL::INTEGER AS years,
        award_amount_gbp AS amount_gbp,
        NULL::DOUBLE AS annual_amount_gbp,
        'local authority as published' AS basis_if_placed,
        NULL::VARCHAR AS fallback_label,
        'ace-project-grants' AS source,
        _dataset AS dataset, _vintage AS vintage
    FROM pg_once
),
g AS NOT MATERIALIZED (
    SELECT * FROM raw.threesixtygiving_grants
    QUALIFY _load_id = max(_load_id) OVER (PARTITION BY _dataset)
),
-- A grant in two datasets (a funder's yearly files and an all-years file) is taken once, from the
-- most recently loaded. Only identifiers held more than once are sorted: numbering each of
-- millions of grants to keep the first was half of this model's time. g is not materialised: each
-- use scans only the columns it needs.
g_multi AS (
    SELECT grant_id FROM g GROUP BY grant_id HAVING count(*) > 1
),
g_once AS NOT MATERIALIZED (
    SELECT g.* FROM g ANTI JOIN g_multi AS m ON g.grant_id IS NOT DISTINCT FROM m.grant_id
    UNION ALL
    SELECT * FROM (
        SELECT g.* FROM g SEMI JOIN g_multi AS m ON g.grant_id IS NOT DISTINCT FROM m.grant_id
    )
    QUALIFY row_number() OVER (PARTITION BY grant_id ORDER BY _load_id DESC, _row) = 1
),
g_awards AS (
    SELECT
        grant_id AS award_id,
        coalesce(funding_org_name, funding_org_id, publisher_org_id) AS funder,
        coalesce(programme_title, programme_code, '(no programme given)') AS programme,
        coalesce(recipient_org_name, recipient_ind_name, recipient_org_id, recipient_ind_id, '(not named)') AS recipient_name,
        coalesce(recipient_org_id, recipient_ind_id) AS recipient_id,
        beneficiary_location_code AS area_label,
        coalesce(award_date, planned_start) AS resolve_on,
        award_date,
        planned_start AS period_start,
        planned_end AS period_end,
        NULL::INTEGER AS years,
        CASE WHEN coalesce(upper(currency), 'GBP') = 'GBP' THEN amount_awarded END AS amount_gbp,
        NULL::DOUBLE AS annual_amount_gbp,
        'beneficiary location' AS basis_if_placed,
        coalesce(recipient_org_location_code, recipient_org_location_name) AS fallback_label,
        'threesixtygiving' AS source,
        _dataset AS dataset, _vintage AS vintage
    FROM g_once
),
awards AS (
    SELECT * FROM ip_awards
    UNION ALL BY NAME SELECT * FROM pg_awards
    UNION ALL BY NAME SELECT * FROM g_awards
),
labels AS (
    SELECT DISTINCT area_label AS label, resolve_on FROM awards WHERE area_label IS NOT NULL
    UNION
    SELECT DISTINCT fallback_label, resolve_on FROM awards WHERE fallback_label IS NOT NULL
),
-- core.resolve_area depends on the date only through the lookup's validity dates, so every date
-- between two consecutive validity dates resolves alike: each (label, date) is resolved once per
-- such period, at the period's first day (national files hold millions of grants over thousands
-- of award dates but a handful of periods).
bounds AS (
    SELECT DISTINCT b FROM (SELECT valid_from AS b FROM core.area_lookup UNION ALL SELECT valid_to FROM core.area_lookup)
    WHERE b IS NOT NULL
),
labels_period AS (
    SELECT l.label, l.resolve_on, coalesce(bd.b, DATE '1900-01-01') AS period_start
    FROM labels AS l
    ASOF LEFT JOIN bounds AS bd ON coalesce(l.resolve_on, DATE '2000-01-01') >= bd.b
),
resolved_period AS (
    SELECT label, period_start, core.resolve_area(label, period_start) AS r
    FROM (SELECT DISTINCT label, period_start FROM labels_period)
),
resolved AS (
    SELECT lp.label, lp.resolve_on, rp.r
    FROM labels_period AS lp
    JOIN resolved_period AS rp ON rp.label = lp.label AND rp.period_start = lp.period_start
),
successor AS (
    SELECT area_code, CASE WHEN count(*) = 1 THEN any_value(current_code) END AS current_code
    FROM core.area_successors
    GROUP BY area_code
),
placed AS (
    SELECT a.*,
        p.r AS primary_r,
        f.r AS fallback_r,
        CASE
            WHEN p.r.area_code IS NOT NULL THEN a.basis_if_placed
            WHEN f.r.area_code IS NOT NULL THEN 'recipient organisation location'
            ELSE 'not placed'
        END AS location_basis
    FROM awards AS a
    LEFT JOIN resolved AS p ON p.label = a.area_label AND p.resolve_on IS NOT DISTINCT FROM a.resolve_on
    LEFT JOIN resolved AS f ON f.label = a.fallback_label AND f.resolve_on IS NOT DISTINCT FROM a.resolve_on
)
SELECT
    pl.award_id,
    pl.funder,
    pl.programme,
    pl.recipient_name,
    pl.recipient_id,
    coalesce(pl.primary_r.area_code, pl.fallback_r.area_code) AS area_code,
    s.current_code AS current_area_code,
    pl.award_date,
    pl.period_start,
    pl.period_end,
    pl.amount_gbp,
    pl.annual_amount_gbp,
    pl.location_basis,
    pl.source,
    pl.dataset || '@' || pl.vintage AS release,
    pl.years,
    CASE WHEN pl.location_basis = 'recipient organisation location' THEN pl.fallback_label ELSE pl.area_label END AS area_label,
    CASE
        WHEN pl.primary_r.area_code IS NOT NULL THEN pl.primary_r.how
        WHEN pl.fallback_r.area_code IS NOT NULL THEN pl.fallback_r.how
        WHEN pl.area_label IS NULL AND pl.fallback_label IS NULL THEN 'no location given'
        ELSE coalesce(pl.primary_r.how, pl.fallback_r.how)
    END AS resolution,
    pl.source = 'threesixtygiving' AND pl.location_basis = 'recipient organisation location' AND ar.region = 'London' AS hq_effect,
    pl.org_type,
    pl.transfer,
    pl.lucp,
    pl.priority_place,
    pl.dataset,
    pl.vintage
FROM placed AS pl
LEFT JOIN successor AS s ON s.area_code = coalesce(pl.primary_r.area_code, pl.fallback_r.area_code)
LEFT JOIN core.areas AS ar ON ar.area_code = coalesce(pl.primary_r.area_code, pl.fallback_r.area_code)
