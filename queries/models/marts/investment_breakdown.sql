-- name: marts.investment_breakdown
-- depends: core.investment_returns
-- description: What each returned project generated, broken down by source type (cash by funder category, partner cash, staff time, in-kind, other): amount in pounds, share of the project's total (share, unrounded) and pct rounded to two decimals by largest remainder so that a project's percentages add up to exactly 100.
-- grain: organisation, project, period_start, period_end, breakdown
-- test: unique(organisation, project, period_start, period_end, breakdown)
-- test: not_null(organisation, project, breakdown, amount_gbp, total_gbp)
-- test: expect(pct >= 0 AND pct <= 100)
WITH lines AS (
    SELECT organisation, project, period_start, period_end, breakdown,
        any_value(current_area_code) AS current_area_code,
        sum(amount_gbp) AS amount_gbp
    FROM core.investment_returns
    GROUP BY organisation, project, period_start, period_end, breakdown
),
shares AS (
    SELECT *,
        sum(amount_gbp) OVER w AS total_gbp,
        CASE WHEN sum(amount_gbp) OVER w > 0 THEN amount_gbp / sum(amount_gbp) OVER w END AS share
    FROM lines
    WINDOW w AS (PARTITION BY organisation, project, period_start, period_end)
),
hundredths AS (
    SELECT *,
        floor(share * 10000) AS base,
        share * 10000 - floor(share * 10000) AS remainder
    FROM shares
),
ranked AS (
    SELECT *,
        10000 - sum(base) OVER w AS left_over,
        row_number() OVER (PARTITION BY organisation, project, period_start, period_end ORDER BY remainder DESC, breakdown) AS rank
    FROM hundredths
    WINDOW w AS (PARTITION BY organisation, project, period_start, period_end)
)
SELECT
    organisation, project, period_start, period_end, current_area_code, breakdown, amount_gbp, total_gbp, share,
    CASE WHEN share IS NULL THEN NULL
        ELSE round((base + CASE WHEN rank <= left_over THEN 1 ELSE 0 END) / 100.0, 2) END AS pct
FROM ranked
ORDER BY organisation, project, period_start, amount_gbp DESC, breakdown
