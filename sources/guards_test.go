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

	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
)

// versioned is the counts source whose discovery offers scripted releases; each release's file
// is served at /<vintage>.csv from the fixture's server with the body in bodies.
type versioned struct {
	counts
	base   string
	offers []sources.Release
}

func (v *versioned) Discover(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	out := make([]sources.Release, len(v.offers))
	for i, r := range v.offers {
		r.Assets = []sources.Asset{{URL: v.base + "/" + r.Vintage + ".csv", Kind: fetch.KindCSV}}
		out[i] = r
	}
	return out, nil
}

func offer(vintage, published string) sources.Release {
	r := sources.Release{Dataset: "counts", Vintage: vintage, Title: "Counts " + vintage}
	if published != "" {
		r.Published, _ = time.Parse("2006-01-02", published)
	}
	return r
}

// versionedFixture serves "name,n" CSVs at /<vintage>.csv whose rows depend on the vintage and the
// edition, so every vintage and every edition has different bytes.
func versionedFixture(t *testing.T) (*fixture, *versioned, func(edition int)) {
	f := newFixture(t)
	var edition atomic.Int32
	edition.Store(1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		fmt.Fprintf(w, "name,n\n")
		for i := 0; i < 5; i++ {
			fmt.Fprintf(w, "%s r%d,%d\n", strings.TrimPrefix(r.URL.Path, "/"), i, i+int(edition.Load())*10)
		}
	}))
	t.Cleanup(srv.Close)
	return f, &versioned{counts: f.src, base: srv.URL}, func(e int) { edition.Store(int32(e)) }
}

func lastLoad(t *testing.T, f *fixture) (status, reason, msg string) {
	t.Helper()
	var r, m *string
	if err := f.env.DB.QueryRow(context.Background(), `SELECT status, reason, error FROM meta.loads ORDER BY load_id DESC LIMIT 1`).Scan(&status, &r, &m); err != nil {
		t.Fatal(err)
	}
	if r != nil {
		reason = *r
	}
	if m != nil {
		msg = *m
	}
	return
}

func TestOlderReleaseIsRefused(t *testing.T) {
	ctx := context.Background()
	t.Run("publisher index went backwards", func(t *testing.T) {
		f, src, edition := versionedFixture(t)
		src.offers = []sources.Release{offer("2024-25", "2025-06-02")}
		if _, err := sources.Ingest(ctx, f.env, src, sources.Options{}); err != nil {
			t.Fatal(err)
		}
		before := f.stats(t)
		edition(2)
		src.offers = []sources.Release{offer("2023-24", "2024-06-03")}
		_, err := sources.Ingest(ctx, f.env, src, sources.Options{})
		if !errors.Is(err, sources.ErrOlderRelease) {
			t.Fatalf("err = %v, want ErrOlderRelease", err)
		}
		for _, want := range []string{"test-counts", "counts 2023-24 (published 2024-06-03) is older than counts 2024-25 (published 2025-06-02) held"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
		}
		if status, reason, _ := lastLoad(t, f); status != sources.StatusFailed || reason != sources.ReasonOlderRelease {
			t.Errorf("meta.loads: %s %s", status, reason)
		}
		if after := f.stats(t); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("refused load changed tables")
		}
	})
	t.Run("older copy of a held vintage", func(t *testing.T) {
		f, src, edition := versionedFixture(t)
		src.offers = []sources.Release{offer("2024-25", "2025-06-02")}
		if _, err := sources.Ingest(ctx, f.env, src, sources.Options{}); err != nil {
			t.Fatal(err)
		}
		edition(2)
		src.offers = []sources.Release{offer("2024-25", "2025-05-01")}
		_, err := sources.Ingest(ctx, f.env, src, sources.Options{})
		if !errors.Is(err, sources.ErrOlderRelease) || !strings.Contains(err.Error(), "older than the copy held, published 2025-06-02") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("by vintage when no dates", func(t *testing.T) {
		f, src, edition := versionedFixture(t)
		src.offers = []sources.Release{offer("mid-2024", "")}
		if _, err := sources.Ingest(ctx, f.env, src, sources.Options{}); err != nil {
			t.Fatal(err)
		}
		edition(2)
		src.offers = []sources.Release{offer("mid-2023", "")}
		if _, err := sources.Ingest(ctx, f.env, src, sources.Options{}); !errors.Is(err, sources.ErrOlderRelease) {
			t.Fatalf("err = %v, want ErrOlderRelease", err)
		}
	})
	t.Run("history still listed beside the newest loads", func(t *testing.T) {
		f, src, edition := versionedFixture(t)
		src.offers = []sources.Release{offer("2024-25", "2025-06-02")}
		if _, err := sources.Ingest(ctx, f.env, src, sources.Options{}); err != nil {
			t.Fatal(err)
		}
		edition(2) // every file now differs, so 2024-25 is a revision and 2023-24 is new
		src.offers = []sources.Release{offer("2023-24", "2024-06-03"), offer("2024-25", "2025-06-20")}
		res, err := sources.Ingest(ctx, f.env, src, sources.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Loads[0].Status != sources.StatusLoaded || res.Loads[1].Status != sources.StatusLoaded {
			t.Fatalf("%+v", res.Loads)
		}
	})
	t.Run("a --from file may be older on purpose", func(t *testing.T) {
		f, src, _ := versionedFixture(t)
		src.offers = []sources.Release{offer("2024-25", "2025-06-02")}
		if _, err := sources.Ingest(ctx, f.env, src, sources.Options{}); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "old.csv")
		os.WriteFile(p, []byte("name,n\na,1\nb,2\nc,3\nd,4\ne,5\n"), 0o644)
		res, err := sources.Ingest(ctx, f.env, noDiscover{src.counts}, sources.Options{From: p, Dataset: "counts", Vintage: "2023-24"})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Loads[0].Notes) != 1 || !strings.Contains(res.Loads[0].Notes[0], "loaded because the file was named with --from") {
			t.Fatalf("notes %q", res.Loads[0].Notes)
		}
	})
}

func TestFailedLoadsRecordTheirReason(t *testing.T) {
	ctx := context.Background()
	for body, want := range map[string]string{
		"<!DOCTYPE html><html><head><title>Sign in</title></head></html>": sources.ReasonHTMLPage,
		"":              sources.ReasonEmpty,
		"name,n\n":      sources.ReasonEmpty,
		"name,n\na,1\n": sources.ReasonRowCollapse,
	} {
		t.Run(want, func(t *testing.T) {
			f := newFixture(t)
			f.body.Store("name,n\na,1\nb,2\nc,3\nd,4\ne,5\n")
			if _, err := sources.Ingest(ctx, f.env, f.src, sources.Options{}); err != nil {
				t.Fatal(err)
			}
			src := f.src
			if body == "" { // the fixture's server needs a body; serve an empty 200 from another
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "text/csv")
				}))
				defer srv.Close()
				src.url = srv.URL + "/counts.csv"
			} else {
				f.body.Store(body)
			}
			_, err := sources.Ingest(ctx, f.env, src, sources.Options{})
			if sources.Reason(err) != want {
				t.Fatalf("Reason(%v) = %q, want %q", err, sources.Reason(err), want)
			}
			if status, reason, msg := lastLoad(t, f); status != sources.StatusFailed || reason != want || msg == "" {
				t.Fatalf("meta.loads: %s %s %q", status, reason, msg)
			}
		})
	}
}

func TestCompareVintages(t *testing.T) {
	for _, c := range [][2]string{{"mid-2023", "mid-2024"}, {"2023-24", "2024-25"}, {"mid-2011-to-mid-2023", "mid-2011-to-mid-2024"},
		{"2024-03-31", "2024-12-31"}, {"v9", "v10"}} {
		if sources.CompareNaturalForTest(c[0], c[1]) >= 0 || sources.CompareNaturalForTest(c[1], c[0]) <= 0 {
			t.Errorf("%s should sort before %s", c[0], c[1])
		}
	}
}
