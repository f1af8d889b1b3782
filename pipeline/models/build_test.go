package models_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline"
	"github.com/cornerstone-data/cornerstone/pipeline/models"
)

// fixture is a small project: a seed of areas, a core model over a raw table with the tests the
// KPI models rely on, and a mart that depends on it.
var fixture = fstest.MapFS{
	"seeds/areas.csv": {Data: []byte("area_code\nE06000001\nE06000002\nE06000003\n")},
	"models/core/areas.sql": {Data: []byte(`-- name: core.areas
-- depends:
-- materialized: seed
-- description: Areas.
seeds/areas.csv
`)},
	"models/core/visits.sql": {Data: []byte(`-- name: core.visits
-- depends: raw.visits, core.areas
-- description: Visits per area and year.
-- grain: area_code, year
-- test: unique(area_code, year)
-- test: relationships(area_code -> core.areas.area_code)
-- test: row_count(max_drop=0.5)
-- test: expect(visits >= 0)
-- test: not_null(area_code) severity=warn
SELECT area_code, year, visits FROM raw.visits
`)},
	"models/marts/visits_total.sql": {Data: []byte(`-- name: marts.visits_total
-- depends: core.visits
-- description: Visits per year.
-- grain: year
-- test: unique(year)
SELECT year, sum(visits) AS visits FROM core.visits GROUP BY year
`)},
	"models/marts/all_parts.sql": {Data: []byte(`-- name: marts.all_parts
-- depends: core.visits, marts.missing_part
-- materialized: union
-- description: Stacks the parts that exist.
core.visits, marts.missing_part
`)},
	"models/marts/missing_part.sql": {Data: []byte(`-- name: marts.missing_part
-- depends: raw.never_loaded
-- description: Waits for a source never loaded.
SELECT * FROM raw.never_loaded
`)},
}

type env struct {
	db *warehouse.DB
	p  *models.Project
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db, err := warehouse.Open(ctx, warehouse.Options{Path: filepath.Join(t.TempDir(), "w.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	p, err := models.Load(fixture)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `CREATE TABLE raw.visits (area_code VARCHAR, year INTEGER, visits BIGINT, _load_id BIGINT)`); err != nil {
		t.Fatal(err)
	}
	return &env{db: db, p: p}
}

func (e *env) rows(t *testing.T, sql string) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.db.Exec(ctx, `DELETE FROM raw.visits`); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Exec(ctx, `INSERT INTO raw.visits (area_code, year, visits) VALUES `+sql); err != nil {
		t.Fatal(err)
	}
}

// build runs every model through the pipeline runner and returns the results by step id.
func (e *env) build(t *testing.T) map[string]pipeline.StepResult {
	t.Helper()
	b := &models.Builder{DB: e.db}
	g, err := pipeline.NewGraph(e.p.Steps(b, nil, nil))
	if err != nil {
		t.Fatal(err)
	}
	rep := (&pipeline.Runner{}).Run(context.Background(), g)
	out := map[string]pipeline.StepResult{}
	for _, r := range rep.Results {
		out[r.ID] = r
	}
	return out
}

func (e *env) count(t *testing.T, table string) int64 {
	t.Helper()
	var n int64
	if err := e.db.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

const good = `('E06000001', 2023, 10), ('E06000002', 2023, 20), ('E06000003', 2023, 30),
	('E06000001', 2024, 11), ('E06000002', 2024, 21)`

func TestBuildPassesAndStacksUnionParts(t *testing.T) {
	e := newEnv(t)
	e.rows(t, good)
	res := e.build(t)
	for _, id := range []string{"model:core.visits", "model:marts.visits_total"} {
		if res[id].State != "ok" || res[id].Status != models.StatusBuilt {
			t.Fatalf("%s: %+v", id, res[id])
		}
	}
	if r := res["model:marts.missing_part"]; r.Status != models.StatusWaiting {
		t.Fatalf("missing_part: %+v", r)
	}
	if r := res["model:marts.all_parts"]; r.Status != models.StatusBuilt || !strings.Contains(r.Detail, "without marts.missing_part") {
		t.Fatalf("union: %+v", r)
	}
	if n := e.count(t, "marts.all_parts"); n != 5 {
		t.Fatalf("union has %d rows", n)
	}
	// Nothing changed: every model is up to date.
	for id, r := range e.build(t) {
		if r.Status != models.StatusUpToDate && r.Status != models.StatusWaiting {
			t.Errorf("second build: %s %s", id, r.Status)
		}
	}
}

// TestBrokenFixtureFailsNamedTests: a duplicate key, an unknown area code and a 60% row drop each
// fail the named test; the model keeps its previous contents and the mart that depends on it is
// not rebuilt.
func TestBrokenFixtureFailsNamedTests(t *testing.T) {
	for _, c := range []struct {
		name, rows, test string
	}{
		{"duplicate key", good + `, ('E06000001', 2024, 99)`, "unique(area_code, year)"},
		{"unknown area code", good + `, ('E09999999', 2024, 5)`, "relationships(area_code -> core.areas.area_code)"},
		{"sixty percent row drop", `('E06000001', 2023, 10), ('E06000002', 2023, 20)`, "row_count(max_drop=0.5)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			e.rows(t, good)
			e.build(t)
			before := e.count(t, "core.visits")
			e.rows(t, c.rows)
			res := e.build(t)
			r := res["model:core.visits"]
			var tf *models.TestFailure
			if r.State != "failed" || !errors.As(r.Err, &tf) {
				t.Fatalf("core.visits: %+v", r)
			}
			named := false
			for _, f := range tf.Results {
				if strings.TrimSpace(f.Test.Spec) == c.test {
					named = true
				}
			}
			if !named || !strings.Contains(r.Error, c.test) {
				t.Fatalf("failure does not name %s: %s", c.test, r.Error)
			}
			if got := e.count(t, "core.visits"); got != before {
				t.Fatalf("core.visits has %d rows after the failed build, %d before", got, before)
			}
			if m := res["model:marts.visits_total"]; m.State != "skipped" {
				t.Fatalf("dependent mart: %+v", m)
			}
			var recorded int
			if err := e.db.QueryRow(context.Background(), `SELECT count(*) FROM meta.test_results WHERE status = 'fail' AND test_id = ?`,
				"core.visits:"+c.test).Scan(&recorded); err != nil {
				t.Fatal(err)
			}
			if recorded == 0 {
				t.Fatalf("the failure of %s is not in meta.test_results", c.test)
			}
		})
	}
}

func TestWarnSeverityDoesNotBlock(t *testing.T) {
	e := newEnv(t)
	e.rows(t, good+`, (NULL, 2025, 1)`)
	res := e.build(t)
	if r := res["model:core.visits"]; r.State != "ok" || r.Status != models.StatusTestsWarn {
		t.Fatalf("core.visits: %+v", r)
	}
	if r := res["model:marts.visits_total"]; r.State != "ok" {
		t.Fatalf("mart: %+v", r)
	}
}

func TestFreshnessTest(t *testing.T) {
	fs := fstest.MapFS{"models/core/x.sql": {Data: []byte(`-- name: core.x
-- depends:
-- description: One row.
-- test: freshness(some-source)
SELECT 1 AS x
`)}}
	p, err := models.Load(fs)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db, err := warehouse.Open(ctx, warehouse.Options{Path: filepath.Join(t.TempDir(), "w.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, status := range []string{"fresh", "stale"} {
		b := &models.Builder{DB: db, Full: true, Freshness: func(ctx context.Context, id string) (string, string, error) {
			return status, id + " is " + status, nil
		}}
		_, err := b.Build(ctx, p, p.Models["core.x"])
		var tf *models.TestFailure
		if (status == "stale") != errors.As(err, &tf) {
			t.Fatalf("%s: %v", status, err)
		}
	}
}

// A raw input that exists but is not loaded (the warehouse creates every source's raw tables when
// it is migrated) holds its models back: they wait, naming it, until Loaded says it is.
func TestRawInputsWaitUntilLoaded(t *testing.T) {
	e := newEnv(t)
	e.rows(t, good)
	ctx := context.Background()
	if _, err := (&models.Builder{DB: e.db}).Build(ctx, e.p, e.p.Models["core.areas"]); err != nil {
		t.Fatal(err)
	}
	var asked []string
	for _, loaded := range []bool{false, true} {
		b := &models.Builder{DB: e.db, Full: true, Loaded: func(ctx context.Context, table string) (bool, error) {
			asked = append(asked, table)
			return loaded, nil
		}}
		out, err := b.Build(ctx, e.p, e.p.Models["core.visits"])
		if err != nil {
			t.Fatal(err)
		}
		want := models.StatusWaiting
		if loaded {
			want = models.StatusBuilt
		}
		if out.Status != want || !loaded && !strings.Contains(out.Detail, "raw.visits") {
			t.Errorf("loaded %v: %s (%s); want %s", loaded, out.Status, out.Detail, want)
		}
	}
	if strings.Join(asked, " ") != "raw.visits raw.visits" {
		t.Errorf("Loaded asked about %q; want raw.visits only (core.areas is a model)", asked)
	}
}
