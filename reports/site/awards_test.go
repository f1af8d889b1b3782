package site

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"testing"
)

// TestAreaAwardsEqualPerAreaQueries checks the per-area funding sums read once for every area
// against the per-area queries they replace, on awards with missing current codes, amounts,
// funders and programmes, and an area with two codes.
func TestAreaAwardsEqualPerAreaQueries(t *testing.T) {
	stmts := append(append([]string{}, fixtureSQL...),
		`INSERT INTO core.funding_awards VALUES
		('B1', NULL, NULL, 'No Funder', NULL, 'E08000016', NULL, DATE '2021-02-01', NULL, NULL, 5000, NULL, 'recipient address', '360giving', NULL),
		('B2', 'Arts Council England', 'Project Grants', 'Predecessor', NULL, 'E07000163', 'E06000065', DATE '2019-07-01', NULL, NULL, 12000, 12000, 'beneficiary location', 'ace-investment', '2018-22'),
		('B3', 'Arts Council England', 'Project Grants', 'No Amount', NULL, 'E06000065', 'E06000065', DATE '2025-01-01', NULL, NULL, NULL, NULL, NULL, NULL, NULL),
		('B4', 'Arts Council England', 'Project Grants', 'Tie', NULL, 'E08000016', 'E08000016', DATE '2020-03-01', NULL, NULL, 30000, 30000, 'recipient address', 'ace-investment', '2023-26'),
		('B5', 'Garfield Weston Foundation', 'Main', 'Unplaced', NULL, NULL, NULL, DATE '2020-03-01', NULL, NULL, 700, 700, NULL, '360giving', 'x')`)
	db := fixtureDB(t, stmts)
	ctx := context.Background()
	s := &Site{db: db}
	var areas []string
	if err := scanAll(ctx, db, tAwards, `SELECT DISTINCT coalesce(current_area_code, area_code) FROM core.funding_awards WHERE coalesce(current_area_code, area_code) IS NOT NULL UNION SELECT 'E09000001' ORDER BY 1`, func(r *sql.Rows) error {
		var a string
		areas = append(areas, a)
		return r.Scan(&areas[len(areas)-1])
	}); err != nil {
		t.Fatal(err)
	}
	for _, cols := range [][]string{{"funder"}, {"funder", "programme"}, {"location_basis"}} {
		for _, area := range areas {
			got, err := s.areaAwardsBy(ctx, area, cols...)
			if err != nil {
				t.Fatal(err)
			}
			k1, k2 := groupKeys(cols)
			var want []amountRow
			if err := scanAll(ctx, db, tAwards, `SELECT `+k1+`, `+k2+`, count(*)::INTEGER, sum(amount_gbp)::DOUBLE, sum(annual_amount_gbp)::DOUBLE
				FROM core.funding_awards WHERE amount_gbp IS NOT NULL AND coalesce(current_area_code, area_code) = ? GROUP BY ALL ORDER BY 4 DESC, 1, 2`, func(r *sql.Rows) error {
				var x amountRow
				var ann sql.NullFloat64
				err := r.Scan(&x.Key, &x.Key2, &x.N, &x.Amount, &ann)
				x.Annual = nf(ann)
				want = append(want, x)
				return err
			}, area); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(fmtRows(got), fmtRows(want)) {
				t.Errorf("%s by %v:\n got %v\nwant %v", area, cols, got, want)
			}
		}
	}
	for _, area := range areas {
		refs, err := s.areaAwardRefs(ctx, area)
		if err != nil {
			t.Fatal(err)
		}
		var want [][2]string
		if err := scanAll(ctx, db, tAwards, `SELECT DISTINCT coalesce(source, ''), coalesce(release, '') FROM core.funding_awards WHERE coalesce(current_area_code, area_code) = ? ORDER BY 1, 2`, func(r *sql.Rows) error {
			var p [2]string
			err := r.Scan(&p[0], &p[1])
			want = append(want, p)
			return err
		}, area); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(refs, want) {
			t.Errorf("%s refs %v, want %v", area, refs, want)
		}
		from, to, err := s.areaAwardSpan(ctx, area)
		if err != nil {
			t.Fatal(err)
		}
		var wf, wt string
		if err := db.QueryRow(ctx, `SELECT coalesce(min(award_date)::VARCHAR, ''), coalesce(max(award_date)::VARCHAR, '')
			FROM core.funding_awards WHERE coalesce(current_area_code, area_code) = ? AND amount_gbp IS NOT NULL`, area).Scan(&wf, &wt); err != nil {
			t.Fatal(err)
		}
		if from != wf || to != wt {
			t.Errorf("%s span %s..%s, want %s..%s", area, from, to, wf, wt)
		}
	}
}

// fmtRows makes NaN annual sums comparable.
func fmtRows(rs []amountRow) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%q %q %d %v %v", r.Key, r.Key2, r.N, r.Amount, r.Annual))
	}
	return out
}
