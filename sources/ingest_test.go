package sources_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
	"github.com/cornerstone-data/cornerstone/sources/landing"
	"github.com/cornerstone-data/cornerstone/sources/values"
)

// counts is a test source: a CSV of name,count rows.
type counts struct{ url string }

var countsTable = warehouse.Table{Schema: "raw", Name: "test_counts", Columns: []warehouse.Column{
	{Name: "name", Type: "VARCHAR"}, {Name: "n", Type: "BIGINT"}}}

func (c counts) Info() sources.Info {
	return sources.Info{ID: "test-counts", Title: "Counts", Publisher: "Test", Licence: "OGL", Tables: []warehouse.Table{countsTable}}
}

func (c counts) Discover(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	return []sources.Release{{Dataset: "counts", Vintage: "v1", Title: "Counts v1", Assets: []sources.Asset{{URL: c.url, Kind: fetch.KindCSV}}}}, nil
}

func (c counts) Load(ctx context.Context, ld *sources.Loader) error {
	f, err := ld.File("")
	if err != nil {
		return err
	}
	wb, err := sheets.Open(f.Path)
	if err != nil {
		return err
	}
	defer wb.Close()
	rows, err := wb.Rows("")
	if err != nil {
		return err
	}
	defer rows.Close()
	w, err := ld.Writer(ctx, "test_counts")
	if err != nil {
		return err
	}
	for rows.Next() {
		r := rows.Row()
		if rows.Number() == 1 {
			continue
		}
		n, ok, err := values.Int(r[1].Value)
		if err != nil || !ok {
			return &sheets.CellError{File: f.Filename, Row: rows.Number(), Col: 1, Value: r[1].Value, Err: fmt.Errorf("not a count")}
		}
		if err := w.Append(f.Filename, "", rows.Number(), r[0].Value, n); err != nil {
			return err
		}
	}
	return rows.Err()
}

type fixture struct {
	env  *sources.Env
	src  counts
	body atomic.Value
	hits atomic.Int32
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	f := &fixture{}
	f.body.Store("name,n\na,1\nb,2\nc,3\n")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.hits.Add(1)
		body := f.body.Load().(string)
		etag := fmt.Sprintf(`"%x"`, len(body)+int(body[len(body)-2]))
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/csv")
		fmt.Fprint(w, body)
	}))
	t.Cleanup(srv.Close)
	ctx := context.Background()
	db, err := warehouse.Open(ctx, warehouse.Options{Path: filepath.Join(t.TempDir(), "w.duckdb")})
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
	f.env = &sources.Env{DB: db, Fetch: fc, Landing: zone, Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }}
	f.src = counts{url: srv.URL + "/counts.csv"}
	return f
}

func (f *fixture) stats(t *testing.T) map[string]warehouse.TableStat {
	out := map[string]warehouse.TableStat{}
	st, err := f.env.DB.TableStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range st {
		if !warehouse.LedgerTables[s.Schema+"."+s.Table] {
			out[s.Schema+"."+s.Table] = s
		}
	}
	return out
}

func TestIngestLoadsThenReportsUnchanged(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	res, err := sources.Ingest(ctx, f.env, f.src, sources.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Loads[0].Status != sources.StatusLoaded || res.Loads[0].Rows != 3 {
		t.Fatalf("%+v", res.Loads[0])
	}
	before := f.stats(t)
	res, err = sources.Ingest(ctx, f.env, f.src, sources.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Loads[0].Status != sources.StatusUnchanged {
		t.Fatalf("second ingest: %+v", res.Loads[0])
	}
	if after := f.stats(t); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("unchanged ingest changed tables:\n%v\n%v", before, after)
	}
	var statuses string
	if err := f.env.DB.QueryRow(ctx, `SELECT string_agg(status, ',' ORDER BY load_id) FROM meta.loads`).Scan(&statuses); err != nil {
		t.Fatal(err)
	}
	if statuses != "loaded,unchanged" {
		t.Fatalf("meta.loads statuses %q", statuses)
	}
	// The landed file and its sidecar exist, read-only.
	var path string
	if err := f.env.DB.QueryRow(ctx, `SELECT path FROM meta.files`).Scan(&path); err != nil {
		t.Fatal(err)
	}
	side := filepath.Join(f.env.Landing.Root(), filepath.Dir(path), "provenance.json")
	b, err := os.ReadFile(side)
	if err != nil || !strings.Contains(string(b), `"vintage": "v1"`) || !strings.Contains(string(b), `"etag"`) {
		t.Fatalf("sidecar %s: %s %v", side, b, err)
	}
}

func TestIngestReplacesARevisedRelease(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	if _, err := sources.Ingest(ctx, f.env, f.src, sources.Options{}); err != nil {
		t.Fatal(err)
	}
	f.body.Store("name,n\na,10\nb,20\nc,30\nd,40\n")
	if _, err := sources.Ingest(ctx, f.env, f.src, sources.Options{}); err != nil {
		t.Fatal(err)
	}
	var n, sum int64
	if err := f.env.DB.QueryRow(ctx, `SELECT count(*), sum(n) FROM raw.test_counts`).Scan(&n, &sum); err != nil {
		t.Fatal(err)
	}
	if n != 4 || sum != 100 {
		t.Fatalf("after revision: %d rows summing %d, want 4 and 100 (no duplicates)", n, sum)
	}
}

func TestFailedLoadChangesNothing(t *testing.T) {
	ctx := context.Background()
	for name, body := range map[string]string{
		"bad cell":   "name,n\na,1\nb,two\n",
		"html page":  "<!DOCTYPE html><html><title>Login</title></html>",
		"empty rows": "name,n\n",
		"collapse":   "name,n\na,1\n",
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.body.Store("name,n\na,1\nb,2\nc,3\nd,4\ne,5\n")
			if _, err := sources.Ingest(ctx, f.env, f.src, sources.Options{}); err != nil {
				t.Fatal(err)
			}
			before := f.stats(t)
			f.body.Store(body)
			res, err := sources.Ingest(ctx, f.env, f.src, sources.Options{})
			if err == nil {
				t.Fatal("no error")
			}
			var le *sources.LoadError
			if !errors.As(err, &le) || le.Source != "test-counts" || !strings.Contains(err.Error(), "counts.csv") {
				t.Fatalf("error does not name source and file: %v", err)
			}
			if after := f.stats(t); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Fatalf("failed load changed tables:\n%v\n%v", before, after)
			}
			var status, reason string
			if err := f.env.DB.QueryRow(ctx, `SELECT status, error FROM meta.loads ORDER BY load_id DESC LIMIT 1`).Scan(&status, &reason); err != nil {
				t.Fatal(err)
			}
			if status != sources.StatusFailed || reason == "" {
				t.Fatalf("meta.loads: %s %q", status, reason)
			}
			if res.Loads[0].Status != sources.StatusFailed {
				t.Fatalf("%+v", res.Loads[0])
			}
			switch name {
			case "html page":
				if !errors.Is(err, fetch.ErrHTML) {
					t.Errorf("err = %v, want ErrHTML", err)
				}
			case "empty rows":
				if !errors.Is(err, sources.ErrEmptyRelease) {
					t.Errorf("err = %v, want ErrEmptyRelease", err)
				}
			case "collapse":
				if !errors.Is(err, sources.ErrRowCollapse) {
					t.Errorf("err = %v, want ErrRowCollapse", err)
				}
			case "bad cell":
				var ce *sheets.CellError
				if !errors.As(err, &ce) || ce.Row != 3 {
					t.Errorf("err = %v, want a CellError at row 3", err)
				}
			}
			// A good file afterwards loads completely.
			f.body.Store("name,n\na,1\nb,2\nc,3\nd,4\ne,5\nf,6\n")
			if _, err := sources.Ingest(ctx, f.env, f.src, sources.Options{}); err != nil {
				t.Fatalf("re-run after failure: %v", err)
			}
		})
	}
}

func TestIngestFromLocalFileNeedsAVintage(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	p := filepath.Join(t.TempDir(), "counts.csv")
	os.WriteFile(p, []byte("name,n\na,1\n"), 0o644)
	_, err := sources.Ingest(ctx, f.env, noDiscover{f.src}, sources.Options{From: p})
	if !errors.Is(err, sources.ErrNoVintage) {
		t.Fatalf("err = %v, want ErrNoVintage", err)
	}
	res, err := sources.Ingest(ctx, f.env, noDiscover{f.src}, sources.Options{From: p, Dataset: "counts", Vintage: "local"})
	if err != nil || res.Loads[0].Rows != 1 {
		t.Fatalf("%v %+v", err, res)
	}
}

type noDiscover struct{ counts }

func TestRegistry(t *testing.T) {
	if _, err := sources.Lookup("no-such-source"); !errors.Is(err, sources.ErrUnknownSource) {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Fatal("registering an invalid source did not panic")
		}
	}()
	sources.Register(counts{url: ""}.withID("Bad ID"))
}

type renamed struct {
	counts
	id string
}

func (r renamed) Info() sources.Info { i := r.counts.Info(); i.ID = r.id; return i }

func (c counts) withID(id string) sources.Source { return renamed{c, id} }
