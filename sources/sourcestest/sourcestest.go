// Package sourcestest is the conformance suite every source passes, in the spirit of
// golang-migrate's source/testing and testing/fstest.TestFS.
//
//   - TestInfo checks the declaration: id, title, publisher, licence, raw tables, cadence and a
//     default schedule that parses.
//   - TestLoad ingests a good file with --from and checks that it loads, that loading it again is
//     "unchanged" and adds nothing, and that an HTML page and an empty file in its place fail
//     without changing a table.
//   - Fuzz feeds arbitrary bytes to the source's reader through the real ingest driver: it may
//     fail, never panic, and a failure leaves the warehouse as it was.
//
// Each source package calls them from its own tests with fixtures in the publisher's real
// layout.
package sourcestest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
	"github.com/cornerstone-data/cornerstone/sources/landing"
)

var idRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// TestInfo checks a source's declaration.
func TestInfo(t *testing.T, src sources.Source) {
	t.Helper()
	info := src.Info()
	if !idRe.MatchString(info.ID) {
		t.Errorf("id %q: want lower-case words joined by '-'", info.ID)
	}
	for what, v := range map[string]string{"title": info.Title, "publisher": info.Publisher, "licence": info.Licence, "homepage": info.Homepage} {
		if strings.TrimSpace(v) == "" {
			t.Errorf("%s: no %s", info.ID, what)
		}
	}
	if len(info.Tables) == 0 {
		t.Errorf("%s: declares no raw tables", info.ID)
	}
	for _, tb := range info.Tables {
		if tb.Schema != "raw" {
			t.Errorf("%s: table %s.%s is not in schema raw", info.ID, tb.Schema, tb.Name)
		}
		if err := warehouse.CheckIdent(tb.Name); err != nil {
			t.Errorf("%s: table name: %v", info.ID, err)
		}
		for _, c := range tb.Columns {
			if err := warehouse.CheckIdent(c.Name); err != nil {
				t.Errorf("%s: %s column: %v", info.ID, tb.Name, err)
			}
			for _, l := range sources.LineageColumns {
				if c.Name == l.Name {
					t.Errorf("%s: %s declares lineage column %s (added automatically)", info.ID, tb.Name, c.Name)
				}
			}
		}
	}
	switch info.Cadence.Every {
	case "annual", "quarterly", "monthly", "irregular":
	default:
		t.Errorf("%s: cadence %q: want annual, quarterly, monthly or irregular", info.ID, info.Cadence.Every)
	}
	if info.Schedule == "" {
		t.Errorf("%s: no default schedule", info.ID)
	} else if _, err := cron.ParseStandard(info.Schedule); err != nil {
		t.Errorf("%s: schedule %q: %v", info.ID, info.Schedule, err)
	}
	if got, err := sources.Lookup(info.ID); err != nil || got.Info().ID != info.ID {
		t.Errorf("%s: not registered (%v)", info.ID, err)
	}
}

// Env returns an ingest environment on a new warehouse in a temporary directory, with no network
// retries and a fixed clock. The warehouse is closed when the test ends.
func Env(t testing.TB) *sources.Env {
	t.Helper()
	ctx := context.Background()
	db, err := warehouse.Open(ctx, warehouse.Options{Path: filepath.Join(t.TempDir(), "w.duckdb"), Tables: sources.RawTables()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	fc, err := fetch.New(fetch.Spec{Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	zone, err := landing.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &sources.Env{DB: db, Fetch: fc, Landing: zone, Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }}
}

// Stats returns row counts and content hashes of every table except the run ledger.
func Stats(t testing.TB, env *sources.Env) map[string]warehouse.TableStat {
	t.Helper()
	st, err := env.DB.TableStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]warehouse.TableStat{}
	for _, s := range st {
		if !warehouse.LedgerTables[s.Schema+"."+s.Table] {
			out[s.Schema+"."+s.Table] = s
		}
	}
	return out
}

// Unchanged fails the test when the tables differ between two Stats.
func Unchanged(t testing.TB, before, after map[string]warehouse.TableStat) {
	t.Helper()
	for k, b := range before {
		if a, ok := after[k]; !ok || a.Rows != b.Rows || a.Hash != b.Hash {
			t.Errorf("%s changed: %d rows %s, now %d rows %s", k, b.Rows, b.Hash, a.Rows, a.Hash)
		}
	}
	for k, a := range after {
		if _, ok := before[k]; !ok && a.Rows > 0 {
			t.Errorf("%s appeared with %d rows", k, a.Rows)
		}
	}
}

// Ingest loads file (a path) with --from and returns the result; opts.From is set to file.
func Ingest(t testing.TB, env *sources.Env, src sources.Source, file string, opts sources.Options) (*sources.Result, error) {
	t.Helper()
	opts.From = file
	return sources.Ingest(context.Background(), env, src, opts)
}

// TestLoad ingests good (a file in the publisher's real layout, which must yield rows) and checks
// the driver's contract for this source: loaded, then unchanged on a second ingest; an HTML page
// and an empty file with good's name fail with fetch.ErrHTML / an empty-file error and change no
// table. The good load's notes are logged, and one warning of a missing optional column
// (sources.MissingOptional) fails the test: a file in the real layout has them all. opts may fix
// dataset and vintage for sources that cannot identify a bare file. It returns the environment
// holding the good load, for further checks.
func TestLoad(t *testing.T, src sources.Source, good string, opts sources.Options) *sources.Env {
	t.Helper()
	env := Env(t)
	id := src.Info().ID
	res, err := Ingest(t, env, src, good, opts)
	if err != nil {
		t.Fatalf("%s: loading %s: %v", id, good, err)
	}
	rows := int64(0)
	for _, l := range res.Loads {
		if l.Status != sources.StatusLoaded {
			t.Fatalf("%s: %s: status %s (%v)", id, good, l.Status, l.Err)
		}
		rows += l.Rows
		for _, n := range l.Notes {
			t.Logf("%s: note: %s", id, n)
			if strings.Contains(n, ": optional column ") {
				t.Errorf("%s: a good file warns of a missing optional column (sources.MissingOptional): %s", id, n)
			}
		}
	}
	if rows == 0 {
		t.Fatalf("%s: %s loaded no rows", id, good)
	}
	before := Stats(t, env)

	res, err = Ingest(t, env, src, good, opts)
	if err != nil {
		t.Fatalf("%s: loading %s again: %v", id, good, err)
	}
	for _, l := range res.Loads {
		if l.Status != sources.StatusUnchanged {
			t.Errorf("%s: second load of %s: status %s, want unchanged", id, good, l.Status)
		}
	}
	Unchanged(t, before, Stats(t, env))

	dir := t.TempDir()
	name := filepath.Base(good)
	for _, bad := range []struct {
		what string
		body string
		want error
	}{
		{"an HTML login page", "<!DOCTYPE html><html><head><title>Sign in</title></head><body><form></form></body></html>", fetch.ErrHTML},
		{"an empty file", "", nil},
	} {
		path := filepath.Join(dir, bad.what, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(bad.body), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Ingest(t, env, src, path, opts)
		if err == nil {
			t.Errorf("%s: %s named %s loaded without error", id, bad.what, name)
		} else {
			if bad.want != nil && !errors.Is(err, bad.want) {
				t.Errorf("%s: %s: error %v, want %v", id, bad.what, err, bad.want)
			}
			if !strings.Contains(err.Error(), name) {
				t.Errorf("%s: %s: error does not name the file %s: %v", id, bad.what, name, err)
			}
		}
		Unchanged(t, before, Stats(t, env))
	}
	return env
}

// Fuzz registers a fuzz target that writes each input to a file called name and ingests it with
// --from: it may fail, never panic, and a failure changes no table. seeds are files in the real
// layout (and broken variants of them).
func Fuzz(f *testing.F, src sources.Source, name string, opts sources.Options, seeds ...[]byte) {
	for _, s := range seeds {
		f.Add(s)
	}
	env := Env(f)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		sub, err := os.MkdirTemp(dir, "in")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(sub)
		path := filepath.Join(sub, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		before := Stats(t, env)
		res, err := Ingest(t, env, src, path, opts)
		if err != nil || res == nil {
			Unchanged(t, before, Stats(t, env))
		}
	})
}
