-- name: core.museum_visit_reconciliation
-- depends: core.museum_visits
-- description: For every month and quarter with a DCMS total, the total row against the sum of the museum group rows (each group row counted once, sites never), with the difference; the data test holds the difference within the published rounding (one visit: counts are published to the visit, and the archive's fractional group figures sum to the total to well within it).
-- grain: grain, period_start
-- test: unique(grain, period_start)
-- test: not_null(grain, period_start, dcms_total, group_sum, difference)
-- test: expect(abs(difference) <= tolerance)
WITH sums AS (
    SELECT grain, period_start,
        max(visits) FILTER (WHERE coverage = 'total') AS dcms_total,
        sum(visits) FILTER (WHERE coverage = 'group') AS group_sum,
        count(visits) FILTER (WHERE coverage = 'group') AS groups
    FROM core.museum_visits
    WHERE grain IN ('month', 'quarter')
    GROUP BY grain, period_start
)
SELECT grain, period_start, dcms_total, group_sum, groups,
    group_sum - dcms_total AS difference,
    1.0 AS tolerance
FROM sums
WHERE dcms_total IS NOT NULL AND group_sum IS NOT NULL
