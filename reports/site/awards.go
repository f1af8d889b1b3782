package site

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// areaAwards holds what the councils' funding sections show of core.funding_awards, each
// grouping read for every area in one query the first time a page asks for it: with two million
// awards, five scans per council were most of the site's query time. Safe for concurrent use by
// the council workers; each result is exactly what the per-area query returned (the same groups,
// sums and order).
type areaAwards struct {
	mu   sync.Mutex
	sets map[string]*awardSet
}

// awardSet is one grouping for every area, loaded once.
type awardSet struct {
	once sync.Once
	err  error
	rows map[string][]amountRow // by area: awardsBy's rows
	refs map[string][][2]string // by area: distinct (source, release)
	span map[string][2]string   // by area: first and last award date
}

// get returns the set named key, loading it with load on first use.
func (a *areaAwards) get(key string, load func(*awardSet) error) (*awardSet, error) {
	a.mu.Lock()
	if a.sets == nil {
		a.sets = map[string]*awardSet{}
	}
	set, ok := a.sets[key]
	if !ok {
		set = &awardSet{}
		a.sets[key] = set
	}
	a.mu.Unlock()
	set.once.Do(func() { set.err = load(set) })
	return set, set.err
}

// awardArea is the area an award counts for on council pages: its current area where known.
const awardArea = "coalesce(current_area_code, area_code)"

// areaAwardsBy returns awardsBy(area, cols...) from the set of every area.
func (s *Site) areaAwardsBy(ctx context.Context, area string, cols ...string) ([]amountRow, error) {
	set, err := s.awards.get("by:"+strings.Join(cols, ","), func(set *awardSet) error {
		k1, k2 := groupKeys(cols)
		set.rows = map[string][]amountRow{}
		q := `SELECT ` + awardArea + ` AS area, ` + k1 + ` AS k1, ` + k2 + ` AS k2, count(*)::INTEGER, sum(amount_gbp)::DOUBLE, sum(annual_amount_gbp)::DOUBLE
			FROM core.funding_awards WHERE amount_gbp IS NOT NULL AND ` + awardArea + ` IS NOT NULL GROUP BY ALL ORDER BY 1, 5 DESC, 2, 3`
		return scanAll(ctx, s.db, tAwards, q, func(r *sql.Rows) error {
			var code string
			var x amountRow
			var ann sql.NullFloat64
			if err := r.Scan(&code, &x.Key, &x.Key2, &x.N, &x.Amount, &ann); err != nil {
				return err
			}
			x.Annual = nf(ann)
			set.rows[code] = append(set.rows[code], x)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return set.rows[area], nil
}

// areaAwardRefs returns the distinct (source, release) pairs of an area's awards, in order.
func (s *Site) areaAwardRefs(ctx context.Context, area string) ([][2]string, error) {
	set, err := s.awards.get("refs", func(set *awardSet) error {
		set.refs = map[string][][2]string{}
		return scanAll(ctx, s.db, tAwards, `SELECT DISTINCT `+awardArea+`, coalesce(source, ''), coalesce(release, '')
			FROM core.funding_awards WHERE `+awardArea+` IS NOT NULL ORDER BY 1, 2, 3`, func(r *sql.Rows) error {
			var code string
			var ref [2]string
			if err := r.Scan(&code, &ref[0], &ref[1]); err != nil {
				return err
			}
			set.refs[code] = append(set.refs[code], ref)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return set.refs[area], nil
}

// areaAwardSpan returns the first and last award dates of an area's awards with an amount ("" when
// none).
func (s *Site) areaAwardSpan(ctx context.Context, area string) (from, to string, err error) {
	set, err := s.awards.get("span", func(set *awardSet) error {
		set.span = map[string][2]string{}
		return scanAll(ctx, s.db, tAwards, `SELECT `+awardArea+`, coalesce(min(award_date)::VARCHAR, ''), coalesce(max(award_date)::VARCHAR, '')
			FROM core.funding_awards WHERE amount_gbp IS NOT NULL AND `+awardArea+` IS NOT NULL GROUP BY 1`, func(r *sql.Rows) error {
			var code string
			var span [2]string
			if err := r.Scan(&code, &span[0], &span[1]); err != nil {
				return err
			}
			set.span[code] = span
			return nil
		})
	})
	if err != nil {
		return "", "", err
	}
	sp := set.span[area]
	return sp[0], sp[1], nil
}

// groupKeys are the SQL of awardsBy's two grouping keys (” for a second when there is one).
func groupKeys(cols []string) (k1, k2 string) {
	k1, k2 = "coalesce("+cols[0]+", 'not stated')", "''"
	if len(cols) > 1 {
		k2 = "coalesce(" + cols[1] + ", 'not stated')"
	}
	return k1, k2
}
