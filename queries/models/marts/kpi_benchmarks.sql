-- name: marts.kpi_benchmarks
-- depends: marts.kpi_values, marts.kpi_catalogue, marts.peer_inputs, marts.peer_neighbours, core.gdp_deflators
-- description: Benchmarks for every KPI, current council and period: the value compared (a two-tier county's place total where the KPI has one, else on current boundaries, else as constituted; value_basis says which), the median of its statistical neighbours (marts.peer_neighbours, model csn-1) and the gap to it ((value − median) ÷ median), its rank among itself and its neighbours and within its comparison class nationally (1 = highest value, whatever the polarity), the national percentile (share of councils in the class with a lower value), the z-score against its neighbours, direction of travel against the previous period (a change under 2% is 'no change'; worded improving/worsening only for KPIs with a polarity, increasing/decreasing for context metrics), the 3-year compound annual change (change_3y, as published; change_3y_real for KPIs in £ or pence, deflated with the GDP deflators in core.gdp_deflators), and coverage (councils in the class with a value ÷ councils in the class).
-- grain: kpi_id, area_code, period
-- test: unique(kpi_id, area_code, period)
-- test: not_null(kpi_id, area_code, period, value_basis, coverage_reporting, coverage_expected)
-- test: expect(coverage_reporting <= coverage_expected)
-- test: expect(peer_rank IS NULL OR peer_rank BETWEEN 1 AND peer_n)
-- test: expect(national_percentile IS NULL OR national_percentile BETWEEN 0 AND 100)
-- test: accepted_values(direction: 'improving', 'worsening', 'increasing', 'decreasing', 'no change', 'no previous period')
WITH councils AS (
    SELECT area_code, comparison_class, tier FROM marts.peer_inputs
),
candidates AS (
    SELECT v.*, c.comparison_class,
        row_number() OVER (PARTITION BY v.kpi_id, v.area_code, v.period ORDER BY
            CASE WHEN v.boundary_basis = 'place' AND c.tier = 'county' THEN 0
                 WHEN v.boundary_basis = 'current' THEN 1 ELSE 2 END) AS pick
    FROM marts.kpi_values AS v
    JOIN councils AS c USING (area_code)
    WHERE v.boundary_basis <> 'place' OR c.tier = 'county'
),
v AS (
    SELECT kpi_id, area_code, period, boundary_basis AS value_basis, value, comparison_class, coverage, sources
    FROM candidates WHERE pick = 1
),
expected AS (
    SELECT comparison_class, count(*) AS n FROM councils GROUP BY comparison_class
),
national AS (
    SELECT v.*,
        count(value) OVER w AS reporting,
        CASE WHEN value IS NOT NULL THEN rank() OVER (PARTITION BY kpi_id, period, comparison_class, value IS NULL ORDER BY value DESC) END AS national_rank,
        CASE WHEN value IS NOT NULL THEN 100.0 * (count(value) FILTER (WHERE true) OVER (PARTITION BY kpi_id, period, comparison_class ORDER BY value ASC RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
            - count(value) OVER (PARTITION BY kpi_id, period, comparison_class, value)) / nullif(count(value) OVER w, 0) END AS national_percentile
    FROM v
    WINDOW w AS (PARTITION BY kpi_id, period, comparison_class)
),
peers AS (
    SELECT a.kpi_id, a.area_code, a.period,
        median(b.value) AS peer_median, avg(b.value) AS peer_mean, stddev_samp(b.value) AS peer_sd,
        count(b.value) AS peers_reporting,
        count(b.value) FILTER (WHERE b.value > a.value) + 1 AS peer_rank
    FROM v AS a
    JOIN marts.peer_neighbours AS n ON n.area_code = a.area_code
    JOIN v AS b ON b.kpi_id = a.kpi_id AND b.period = a.period AND b.area_code = n.neighbour_code
    GROUP BY a.kpi_id, a.area_code, a.period, a.value
),
history AS (
    SELECT v.kpi_id, v.area_code, v.period, v.value,
        lag(v.value) OVER (PARTITION BY v.kpi_id, v.area_code ORDER BY v.period) AS previous,
        lag(v.period) OVER (PARTITION BY v.kpi_id, v.area_code ORDER BY v.period) AS previous_period
    FROM v WHERE v.value IS NOT NULL
),
three AS (
    SELECT a.kpi_id, a.area_code, a.period, b.value AS value_3y_before,
        dt.deflator AS deflator_now, d3.deflator AS deflator_3y_before
    FROM v AS a
    JOIN v AS b ON b.kpi_id = a.kpi_id AND b.area_code = a.area_code
     AND CAST(left(b.period, 4) AS INTEGER) = CAST(left(a.period, 4) AS INTEGER) - 3
    LEFT JOIN core.gdp_deflators AS dt ON dt.financial_year = a.period
    LEFT JOIN core.gdp_deflators AS d3 ON d3.financial_year = b.period
)
SELECT n.kpi_id, n.area_code, n.period, n.value_basis, n.value, n.comparison_class,
    'statistical neighbours (csn-1)' AS peer_group,
    p.peer_median,
    CASE WHEN p.peer_median <> 0 THEN (n.value - p.peer_median) / abs(p.peer_median) END AS peer_gap,
    CASE WHEN n.value IS NOT NULL AND p.peers_reporting > 0 THEN CAST(p.peer_rank AS INTEGER) END AS peer_rank,
    CASE WHEN n.value IS NOT NULL THEN CAST(coalesce(p.peers_reporting, 0) + 1 AS INTEGER) END AS peer_n,
    CAST(n.national_rank AS INTEGER) AS national_rank,
    CAST(n.reporting AS INTEGER) AS national_n,
    n.national_percentile,
    CASE WHEN p.peer_sd > 0 THEN (n.value - p.peer_mean) / p.peer_sd END AS zscore,
    h.previous_period,
    CASE
        WHEN h.previous IS NULL OR h.previous = 0 THEN 'no previous period'
        WHEN abs(n.value / h.previous - 1) < 0.02 THEN 'no change'
        WHEN c.polarity = 'higher_is_better' THEN CASE WHEN n.value > h.previous THEN 'improving' ELSE 'worsening' END
        WHEN c.polarity = 'lower_is_better' THEN CASE WHEN n.value < h.previous THEN 'improving' ELSE 'worsening' END
        ELSE CASE WHEN n.value > h.previous THEN 'increasing' ELSE 'decreasing' END
    END AS direction,
    CASE WHEN c.unit NOT LIKE '%change%' AND t.value_3y_before > 0 AND n.value > 0 THEN pow(n.value / t.value_3y_before, 1.0 / 3) - 1 END AS change_3y,
    -- Money KPIs in real terms: both years at the same prices before the compound annual rate.
    CASE WHEN (c.unit LIKE '£%' OR c.unit LIKE 'pence%') AND c.unit NOT LIKE '%per £%'
              AND t.value_3y_before > 0 AND n.value > 0 AND t.deflator_now > 0 AND t.deflator_3y_before > 0
        THEN pow((n.value / t.deflator_now) / (t.value_3y_before / t.deflator_3y_before), 1.0 / 3) - 1 END AS change_3y_real,
    CAST(n.reporting AS INTEGER) AS coverage_reporting,
    CAST(e.n AS INTEGER) AS coverage_expected,
    n.coverage AS value_coverage, n.sources
FROM national AS n
JOIN marts.kpi_catalogue AS c USING (kpi_id)
JOIN expected AS e USING (comparison_class)
LEFT JOIN peers AS p USING (kpi_id, area_code, period)
LEFT JOIN history AS h USING (kpi_id, area_code, period)
LEFT JOIN three AS t USING (kpi_id, area_code, period)
