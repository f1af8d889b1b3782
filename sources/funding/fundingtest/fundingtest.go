// Package fundingtest runs funding sources end to end in tests: a warehouse in a temporary folder,
// the real fetch client and landing zone, sources.Ingest, and the SQL models built with their data
// tests, so tests check what core.funding_awards really holds. It registers the whole funding
// family (sources/ace, sources/threesixtygiving), as the binary does: the warehouse creates all
// their raw tables and core.funding_awards builds as soon as any of them has loaded.
package fundingtest

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline/models"
	"github.com/cornerstone-data/cornerstone/sources"
	_ "github.com/cornerstone-data/cornerstone/sources/ace" // the funding family: investment programme, project grants
	"github.com/cornerstone-data/cornerstone/sources/fetch"
	"github.com/cornerstone-data/cornerstone/sources/landing"
	_ "github.com/cornerstone-data/cornerstone/sources/threesixtygiving" // the funding family: 360Giving
)

// Env is a test warehouse with what sources.Ingest needs.
type Env struct {
	*sources.Env
	T *testing.T
}

// New opens a fresh warehouse. mirror, when not empty, serves every publisher URL (fetch.Spec.Mirror).
func New(t *testing.T, mirror string) *Env {
	t.Helper()
	ctx := context.Background()
	db, err := warehouse.Open(ctx, warehouse.Options{Path: filepath.Join(t.TempDir(), "w.duckdb"), Tables: sources.RawTables()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	fc, err := fetch.New(fetch.Spec{Retries: -1, Mirror: mirror})
	if err != nil {
		t.Fatal(err)
	}
	zone, err := landing.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &Env{T: t, Env: &sources.Env{DB: db, Fetch: fc, Landing: zone,
		Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }}}
}

// Ingest loads a source (discovering, or from opts.From) and fails the test on error.
func (e *Env) Ingest(id string, opts sources.Options) *sources.Result {
	e.T.Helper()
	res, err := e.TryIngest(id, opts)
	if err != nil {
		e.T.Fatalf("ingest %s: %v", id, err)
	}
	return res
}

// TryIngest loads a source and returns its error.
func (e *Env) TryIngest(id string, opts sources.Options) (*sources.Result, error) {
	src, err := sources.Lookup(id)
	if err != nil {
		return nil, err
	}
	return sources.Ingest(context.Background(), e.Env, src, opts)
}

// Register loads the real mySociety register from the reference folder, or the given file.
func (e *Env) Register(path string) {
	e.T.Helper()
	e.Ingest("la-register", sources.Options{From: path, Vintage: "2025-01-01"})
}

// Build builds the named models and every model they depend on, in order, with their data tests
// (an error-severity failure fails the test). Models whose inputs are missing are reported.
func (e *Env) Build(names ...string) {
	e.T.Helper()
	p, err := models.Default()
	if err != nil {
		e.T.Fatal(err)
	}
	need := map[string]bool{}
	var visit func(n string)
	visit = func(n string) {
		m, ok := p.Models[n]
		if !ok || need[n] {
			return
		}
		need[n] = true
		for _, d := range m.Depends {
			visit(d)
		}
	}
	for _, n := range names {
		if _, ok := p.Models[n]; !ok {
			e.T.Fatalf("no model %s", n)
		}
		visit(n)
	}
	order, _ := p.Order()
	b := &models.Builder{DB: e.DB, Full: true,
		Loaded: func(ctx context.Context, table string) (bool, error) { return sources.Loaded(ctx, e.DB, table) }}
	for _, n := range order {
		if !need[n] {
			continue
		}
		out, err := b.Build(context.Background(), p, p.Models[n])
		if err != nil {
			e.T.Fatalf("building %s: %v", n, err)
		}
		if out.Status == models.StatusWaiting {
			for _, want := range names {
				if want == n {
					e.T.Fatalf("building %s: %s", n, out.Detail)
				}
			}
		}
	}
}

// Rows runs a query and returns each row formatted with %v, joined by " | ".
func (e *Env) Rows(query string, args ...any) []string {
	e.T.Helper()
	rows, err := e.DB.Query(context.Background(), query, args...)
	if err != nil {
		e.T.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			e.T.Fatal(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if t, ok := v.(time.Time); ok {
				v = t.Format(time.DateOnly)
			}
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, " | "))
	}
	if err := rows.Err(); err != nil {
		e.T.Fatal(err)
	}
	return out
}

// Scalar runs a query returning one value into dst.
func (e *Env) Scalar(dst any, query string, args ...any) {
	e.T.Helper()
	if err := e.DB.QueryRow(context.Background(), query, args...).Scan(dst); err != nil {
		e.T.Fatalf("%s: %v", query, err)
	}
}

// RepoRoot returns the module root (for config.ReferenceDir).
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}
