package site

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// The tables the evidence packs read. Each is optional: a table that is missing or empty makes its
// section say that the data is not loaded yet.
const (
	tSpend       = "core.spend"
	tLibActivity = "core.library_activity"
	tLibSites    = "core.library_sites"
	tEngagement  = "core.engagement"
	tAwards      = "core.funding_awards"
	tReturns     = "core.investment_returns"
	tCatalogue   = "marts.kpi_catalogue"
	tValues      = "marts.kpi_values"
	tBenchmarks  = "marts.kpi_benchmarks"
	tNeighbours  = "marts.peer_neighbours"
	tPopulation  = "marts.area_population"
)

// KPI is one row of marts.kpi_catalogue.
type KPI struct {
	ID, Title, Theme, Definition, Numerator, Denominator, Unit, Polarity, Sources, Caveats string
}

// Point is one KPI value of an area and period (marts.kpi_values).
type Point struct {
	Period                   string
	Value, Numerator, Denom  float64 // NaN when NULL
	Unit, Boundary, Coverage string
	Sources                  string
}

// Bench is one row of marts.kpi_benchmarks.
type Bench struct {
	Period                                        string
	PeerMedian, PeerGap, NationalPct, Z, Change3y float64
	PeerRank, PeerN, NationalRank, NationalN      int // 0 when NULL
	Direction                                     string
	CoverageReporting, CoverageExpected           int // 0 when NULL
}

// Neighbour is one row of marts.peer_neighbours.
type Neighbour struct {
	Code, Model, Reasons string
	Rank                 int
	Distance             float64
}

// evidence is everything the packs show, read once per build.
type evidence struct {
	present map[string]bool // table -> exists with rows
	kpis    []KPI
	kpiByID map[string]KPI
	// values[kpi][area] is the series on one boundary basis, ordered by period.
	values map[string]map[string][]Point
	basis  map[string]map[string]string
	bench  map[string]map[string][]Bench
	peers  map[string][]Neighbour
}

func (e *evidence) has(table string) bool { return e.present[table] }

// loadEvidence reads the KPI marts and notes which optional tables hold rows.
func loadEvidence(ctx context.Context, db *warehouse.DB) (*evidence, error) {
	e := &evidence{present: map[string]bool{}, kpiByID: map[string]KPI{}, values: map[string]map[string][]Point{},
		basis: map[string]map[string]string{}, bench: map[string]map[string][]Bench{}, peers: map[string][]Neighbour{}}
	for _, t := range []string{tSpend, tLibActivity, tLibSites, tEngagement, tAwards, tReturns, tCatalogue, tValues, tBenchmarks, tNeighbours, tPopulation} {
		ok, err := hasRows(ctx, db, t)
		if err != nil {
			return nil, err
		}
		e.present[t] = ok
	}
	if e.has(tCatalogue) {
		err := scanAll(ctx, db, tCatalogue, `SELECT kpi_id, coalesce(title, kpi_id), coalesce(theme, 'Other'), coalesce(definition, ''),
			coalesce(numerator, ''), coalesce(denominator, ''), coalesce(unit, ''), coalesce(polarity, 'context'),
			coalesce(sources, ''), coalesce(caveats, '') FROM marts.kpi_catalogue ORDER BY theme, kpi_id`,
			func(r *sql.Rows) error {
				var k KPI
				if err := r.Scan(&k.ID, &k.Title, &k.Theme, &k.Definition, &k.Numerator, &k.Denominator, &k.Unit, &k.Polarity, &k.Sources, &k.Caveats); err != nil {
					return err
				}
				if !safeID(k.ID) {
					return fmt.Errorf("kpi_id %q cannot name a page", k.ID)
				}
				e.kpis = append(e.kpis, k)
				e.kpiByID[k.ID] = k
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	if e.has(tValues) {
		// One boundary basis per KPI and area: current boundaries where the mart has them (a series
		// that runs through reorganisations), else as constituted.
		err := scanAll(ctx, db, tValues, `WITH v AS (
				SELECT *, max(CASE WHEN boundary_basis = 'current' THEN 1 ELSE 0 END) OVER (PARTITION BY kpi_id, area_code) AS has_current
				FROM marts.kpi_values WHERE value IS NOT NULL)
			SELECT kpi_id, area_code, period, value::DOUBLE, numerator::DOUBLE, denominator::DOUBLE, coalesce(unit, ''),
				coalesce(boundary_basis, ''), coalesce(coverage, ''), coalesce(sources, '')
			FROM v WHERE (has_current = 1) = (coalesce(boundary_basis, '') = 'current')
			ORDER BY kpi_id, area_code, period`,
			func(r *sql.Rows) error {
				var k, a string
				var p Point
				var v, n, d sql.NullFloat64
				if err := r.Scan(&k, &a, &p.Period, &v, &n, &d, &p.Unit, &p.Boundary, &p.Coverage, &p.Sources); err != nil {
					return err
				}
				p.Value, p.Numerator, p.Denom = nf(v), nf(n), nf(d)
				if e.values[k] == nil {
					e.values[k] = map[string][]Point{}
					e.basis[k] = map[string]string{}
				}
				e.values[k][a] = append(e.values[k][a], p)
				e.basis[k][a] = p.Boundary
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	if e.has(tBenchmarks) {
		err := scanAll(ctx, db, tBenchmarks, `SELECT kpi_id, area_code, period, peer_median::DOUBLE, peer_gap::DOUBLE, peer_rank::INTEGER, peer_n::INTEGER,
				national_rank::INTEGER, national_n::INTEGER, national_percentile::DOUBLE, zscore::DOUBLE, coalesce(direction, ''),
				change_3y_real::DOUBLE, coverage_reporting::INTEGER, coverage_expected::INTEGER
			FROM marts.kpi_benchmarks ORDER BY kpi_id, area_code, period`,
			func(r *sql.Rows) error {
				var k, a string
				var b Bench
				var med, gap, pct, z, ch sql.NullFloat64
				var pr, pn, nr, nn, cr, ce sql.NullInt32
				if err := r.Scan(&k, &a, &b.Period, &med, &gap, &pr, &pn, &nr, &nn, &pct, &z, &b.Direction, &ch, &cr, &ce); err != nil {
					return err
				}
				b.PeerMedian, b.PeerGap, b.NationalPct, b.Z, b.Change3y = nf(med), nf(gap), nf(pct), nf(z), nf(ch)
				b.PeerRank, b.PeerN, b.NationalRank, b.NationalN = int(pr.Int32), int(pn.Int32), int(nr.Int32), int(nn.Int32)
				b.CoverageReporting, b.CoverageExpected = int(cr.Int32), int(ce.Int32)
				if e.bench[k] == nil {
					e.bench[k] = map[string][]Bench{}
				}
				e.bench[k][a] = append(e.bench[k][a], b)
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	if e.has(tNeighbours) {
		err := scanAll(ctx, db, tNeighbours, `SELECT area_code, neighbour_code, rank::INTEGER, distance::DOUBLE, coalesce(model_version, ''), coalesce(reasons, '')
			FROM marts.peer_neighbours ORDER BY area_code, rank, neighbour_code`,
			func(r *sql.Rows) error {
				var a string
				var n Neighbour
				var d sql.NullFloat64
				if err := r.Scan(&a, &n.Code, &n.Rank, &d, &n.Model, &n.Reasons); err != nil {
					return err
				}
				n.Distance = nf(d)
				e.peers[a] = append(e.peers[a], n)
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	return e, nil
}

// series returns the KPI's values for an area, in period order.
func (e *evidence) series(kpi, area string) []Point { return e.values[kpi][area] }

// benchAt returns the benchmark row of an area and period.
func (e *evidence) benchAt(kpi, area, period string) (Bench, bool) {
	for _, b := range e.bench[kpi][area] {
		if b.Period == period {
			return b, true
		}
	}
	return Bench{}, false
}

// periods lists every period the KPI has a value for, in order.
func (e *evidence) periods(kpi string) []string {
	seen := map[string]bool{}
	for _, pts := range e.values[kpi] {
		for _, p := range pts {
			seen[p.Period] = true
		}
	}
	return sortedKeys(seen)
}

func hasRows(ctx context.Context, db *warehouse.DB, qname string) (bool, error) {
	schema, table, err := warehouse.SplitQualified(qname)
	if err != nil {
		return false, err
	}
	ok, err := tableExists(ctx, db, schema, table)
	if err != nil || !ok {
		return false, err
	}
	var n int
	if err := db.QueryRow(ctx, "SELECT count(*) FROM (SELECT 1 FROM "+warehouse.Qualified(schema, table)+" LIMIT 1)").Scan(&n); err != nil {
		return false, fmt.Errorf("reading %s: %w", qname, err)
	}
	return n > 0, nil
}

// scanAll runs q and calls fn for each row; errors name the table read.
func scanAll(ctx context.Context, db *warehouse.DB, table, q string, fn func(*sql.Rows) error, args ...any) error {
	rows, err := db.Query(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("reading %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return fmt.Errorf("reading %s: %w", table, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", table, err)
	}
	return nil
}

func nf(v sql.NullFloat64) float64 {
	if !v.Valid {
		return math.NaN()
	}
	return v.Float64
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var (
	idRe   = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,150}$`)
	slugRe = regexp.MustCompile(`[^a-z0-9]+`)
)

// slug turns any label into a lower-case file-name fragment.
func slug(s string) string {
	out := strings.Trim(slugRe.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if len(out) > 60 {
		out = strings.TrimRight(out[:60], "-")
	}
	if out == "" {
		out = "x"
	}
	return out
}

// safeID reports whether a KPI id can name a file once lower-cased.
func safeID(id string) bool { return idRe.MatchString(strings.ToLower(id)) }

// periodLabel names a date range: a financial year ("2023-24") for April to March, a calendar year
// for January to December, else the two dates.
func periodLabel(start, end time.Time) string {
	switch {
	case start.Month() == time.April && start.Day() == 1 && end.Month() == time.March && end.Day() == 31 && end.Year() == start.Year()+1:
		return fmt.Sprintf("%d-%02d", start.Year(), end.Year()%100)
	case start.Month() == time.January && start.Day() == 1 && end.Month() == time.December && end.Day() == 31 && end.Year() == start.Year():
		return fmt.Sprint(start.Year())
	}
	return start.Format(time.DateOnly) + " to " + end.Format(time.DateOnly)
}
