package site

import (
	"context"
	"database/sql"
	"strings"
)

// The councils' funding sections read core.funding_awards through byArea: each grouping for
// every area in one query the first time a page asks for it (with two million awards, five scans
// per council were most of the site's query time). Each result is exactly what the per-area query
// returned (the same groups, sums and order; awards_test.go).

// awardArea is the area an award counts for on council pages: its current area where known.
const awardArea = "coalesce(current_area_code, area_code)"

// areaAwardsBy returns awardsBy(area, cols...) from the set of every area.
func (s *Site) areaAwardsBy(ctx context.Context, area string, cols ...string) ([]amountRow, error) {
	k1, k2 := groupKeys(cols)
	q := `SELECT ` + awardArea + ` AS area, ` + k1 + ` AS k1, ` + k2 + ` AS k2, count(*)::INTEGER, sum(amount_gbp)::DOUBLE, sum(annual_amount_gbp)::DOUBLE
		FROM core.funding_awards WHERE amount_gbp IS NOT NULL AND ` + awardArea + ` IS NOT NULL GROUP BY ALL ORDER BY 1, 5 DESC, 2, 3`
	return byArea(ctx, s, "awards by "+strings.Join(cols, ","), tAwards, q, area, func(r *sql.Rows) (string, amountRow, error) {
		var code string
		var x amountRow
		var ann sql.NullFloat64
		err := r.Scan(&code, &x.Key, &x.Key2, &x.N, &x.Amount, &ann)
		x.Annual = nf(ann)
		return code, x, err
	})
}

// areaAwardRefs returns the distinct (source, release) pairs of an area's awards, in order.
func (s *Site) areaAwardRefs(ctx context.Context, area string) ([][2]string, error) {
	return byArea(ctx, s, "award refs", tAwards, `SELECT DISTINCT `+awardArea+`, coalesce(source, ''), coalesce(release, '')
		FROM core.funding_awards WHERE `+awardArea+` IS NOT NULL ORDER BY 1, 2, 3`, area, func(r *sql.Rows) (string, [2]string, error) {
		var code string
		var ref [2]string
		err := r.Scan(&code, &ref[0], &ref[1])
		return code, ref, err
	})
}

// areaAwardSpan returns the first and last award dates of an area's awards with an amount ("" when
// none).
func (s *Site) areaAwardSpan(ctx context.Context, area string) (from, to string, err error) {
	spans, err := byArea(ctx, s, "award span", tAwards, `SELECT `+awardArea+`, coalesce(min(award_date)::VARCHAR, ''), coalesce(max(award_date)::VARCHAR, '')
		FROM core.funding_awards WHERE amount_gbp IS NOT NULL AND `+awardArea+` IS NOT NULL GROUP BY 1 ORDER BY 1`, area, func(r *sql.Rows) (string, [2]string, error) {
		var code string
		var span [2]string
		err := r.Scan(&code, &span[0], &span[1])
		return code, span, err
	})
	if err != nil || len(spans) == 0 {
		return "", "", err
	}
	return spans[0][0], spans[0][1], nil
}

// groupKeys are the SQL of awardsBy's two grouping keys (” for a second when there is one).
func groupKeys(cols []string) (k1, k2 string) {
	k1, k2 = "coalesce("+cols[0]+", 'not stated')", "''"
	if len(cols) > 1 {
		k2 = "coalesce(" + cols[1] + ", 'not stated')"
	}
	return k1, k2
}
