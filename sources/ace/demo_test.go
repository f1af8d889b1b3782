package ace_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
	"github.com/cornerstone-data/cornerstone/sources/funding/fundingtest"
	"github.com/cornerstone-data/cornerstone/sources/sourcestest"
)

// serveDemo serves the demo sample on loopback at the publishers' URLs and returns the mirror URL.
func serveDemo(t *testing.T) string {
	t.Helper()
	sample, err := demo.Generate()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := demo.Serve(sample)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv.URL
}

// demoEnv serves the demo sample and loads the register.
func demoEnv(t *testing.T) *fundingtest.Env {
	t.Helper()
	e := fundingtest.New(t, serveDemo(t))
	e.Ingest("la-register", sources.Options{})
	return e
}

func TestDiscoverAndLoadFromDemoPages(t *testing.T) {
	e := demoEnv(t)
	res := e.Ingest("ace-investment-programme", sources.Options{})
	if len(res.Loads) != 1 || res.Loads[0].Release.Dataset != "investment-programme-2023-26" || res.Loads[0].Status != sources.StatusLoaded {
		t.Fatalf("%+v", res.Loads)
	}
	res = e.Ingest("ace-project-grants", sources.Options{})
	if len(res.Loads) != 1 || res.Loads[0].Release.Dataset != "project-grants-2023-2025" || !strings.HasPrefix(res.Loads[0].Release.Vintage, "awards-to-") {
		t.Fatalf("%+v", res.Loads)
	}
	e.Build("core.funding_awards", "core.funding_unresolved")

	// Blank trailing rows skipped, types with (Transfer) kept, flags read, all placed but the
	// project grant that names no local authority.
	var rawRows, typesTransfer, unplaced int
	e.Scalar(&rawRows, `SELECT count(*) FROM raw.ace_investment_programme`)
	e.Scalar(&typesTransfer, `SELECT count(*) FROM core.funding_awards WHERE transfer`)
	e.Scalar(&unplaced, `SELECT count(*) FROM core.funding_awards WHERE area_code IS NULL AND resolution = 'no location given' AND source = 'ace-project-grants'`)
	if rawRows == 0 || typesTransfer == 0 || unplaced != 1 {
		t.Errorf("raw %d, transfers %d, unplaced %d: %q", rawRows, typesTransfer, unplaced, e.Rows(`SELECT * FROM core.funding_unresolved`))
	}
	if n := e.Rows(`SELECT count(*) FROM core.funding_awards WHERE area_code IS NULL`); n[0] != "1" {
		t.Errorf("%s awards unplaced, want 1", n[0])
	}
	// ONS-style names and pre-2023 districts resolve; districts map to today's council.
	got := e.Rows(`SELECT DISTINCT area_label, area_code, current_area_code FROM core.funding_awards
		WHERE area_label IN ('Bristol, City of', 'Herefordshire, County of', 'Harrogate', 'Eden', 'Cardiff') ORDER BY 1`)
	want := []string{"Bristol, City of | E06000023 | E06000023", "Cardiff | W06000015 | W06000015", "Eden | E07000030 | E06000064",
		"Harrogate | E07000165 | E06000065", "Herefordshire, County of | E06000019 | E06000019"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// Project grants: individuals kept, dates read, one financial year each.
	got = e.Rows(`SELECT count(*) FILTER (WHERE recipient_name LIKE 'Demo Artist%') > 0, bool_and(period_end = period_start + INTERVAL 1 YEAR - INTERVAL 1 DAY)
		FROM core.funding_awards WHERE source = 'ace-project-grants'`)
	if len(got) != 1 || got[0] != "true | true" {
		t.Errorf("project grants: %q", got)
	}
	// Running again loads nothing.
	res = e.Ingest("ace-investment-programme", sources.Options{})
	if res.Loads[0].Status != sources.StatusUnchanged {
		t.Errorf("second run: %s", res.Loads[0].Status)
	}
}

func TestDiscoverFailsWithoutLinks(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body><a href=\"/other\">nothing</a></body></html>"))
	}))
	defer srv.Close()
	e := fundingtest.New(t, srv.URL)
	_, err := e.TryIngest("ace-investment-programme", sources.Options{})
	if !errors.Is(err, sources.ErrNothingPublished) || !strings.Contains(err.Error(), "2023-26-investment-programme-data") {
		t.Fatalf("err = %v", err)
	}
}

// Discovery has no side effects: the funding sources' Discover, which used to create the family's
// raw tables, leaves a warehouse that was not migrated with them exactly as it was.
func TestFundingDiscoveryWritesNothing(t *testing.T) {
	mirror := serveDemo(t)
	ctx := context.Background()
	db, err := warehouse.Open(ctx, warehouse.Options{Path: filepath.Join(t.TempDir(), "w.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fc, err := fetch.New(fetch.Spec{Retries: -1, Mirror: mirror})
	if err != nil {
		t.Fatal(err)
	}
	env := &sources.Env{DB: db, Fetch: fc}
	before := sourcestest.Stats(t, env)
	for _, id := range []string{"ace-investment-programme", "ace-project-grants", "threesixtygiving"} {
		src, err := sources.Lookup(id)
		if err != nil {
			t.Fatal(err)
		}
		if rels, err := src.Discover(ctx, env); err != nil || len(rels) == 0 {
			t.Fatalf("%s: %d releases, %v", id, len(rels), err)
		}
	}
	sourcestest.Unchanged(t, before, sourcestest.Stats(t, env))
}

// The funding family is loaded together: before any funding source loads, none of the three raw
// tables counts as loaded (though the migration created them all); after project grants alone,
// all three do, so core.funding_awards builds from what there is.
func TestFundingFamilyIsLoadedTogether(t *testing.T) {
	e := demoEnv(t)
	family := []string{"raw.ace_investment_programme", "raw.ace_project_grants", "raw.threesixtygiving_grants"}
	loaded := func() []bool {
		var out []bool
		for _, tbl := range family {
			ok, err := sources.Loaded(context.Background(), e.DB, tbl)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, ok)
		}
		return out
	}
	if got := loaded(); slices.Contains(got, true) {
		t.Fatalf("before any funding load: loaded %v, want none", got)
	}
	if ok, err := sources.Loaded(context.Background(), e.DB, "raw.la_register"); err != nil || !ok {
		t.Errorf("the register, loaded by demoEnv: %v %v", ok, err)
	}
	e.Ingest("ace-project-grants", sources.Options{})
	if got := loaded(); slices.Contains(got, false) {
		t.Fatalf("after project grants: loaded %v, want all", got)
	}
	e.Build("core.funding_awards")
}
