package dcms

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
	"github.com/cornerstone-data/cornerstone/sources/landing"
)

// mirrorEnv returns an Env whose every request goes to base (the demo server or a test server),
// so real GOV.UK URLs are served on loopback.
func mirrorEnv(t *testing.T, base string) *sources.Env {
	t.Helper()
	fc, err := fetch.New(fetch.Spec{Mirror: base, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return &sources.Env{Fetch: fc}
}

func demoServer(t *testing.T) string {
	t.Helper()
	s, err := demo.Generate()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := demo.Serve(s)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv.URL
}

// TestDiscoverAndLoadDemo discovers each source through the demo GOV.UK Content API, then ingests
// it into a warehouse: discovery, fetch, landing, identification and the readers end to end.
func TestDiscoverAndLoadDemo(t *testing.T) {
	base := demoServer(t)
	env := mirrorEnv(t, base)
	ctx := context.Background()
	want := map[string]struct{ dataset, vintage, file string }{
		"dcms-museum-visits":     {VisitsDataset, "2025-06", "Monthly_and_Quarterly_Visits_to_DCMS-Sponsored_Museums_and_Galleries_-_to_June_2025_data_tables.ods"},
		"dcms-museum-indicators": {IndicatorsDataset, "2023-24", "DCMS_sponsored_museums_and_galleries_annual_performance_indicators_2023_24_tables.ods"},
		"dcms-participation":     {ParticipationDataset, "2023-24", "Final_Revised_DCMS_Participation_Survey_annual_23-24_data_tables__Oct_2024_.ods"},
	}
	db, err := warehouse.Open(ctx, warehouse.Options{Path: t.TempDir() + "/w.duckdb"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	zone, err := landing.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	env.DB, env.Landing, env.Now = db, zone, func() time.Time { return time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC) }
	for _, src := range []sources.Source{MuseumVisits{}, MuseumIndicators{}, Participation{}} {
		id := src.Info().ID
		rels, err := src.Discover(ctx, env)
		if err != nil {
			t.Fatalf("%s: %v", id, err)
		}
		w := want[id]
		if len(rels) != 1 || rels[0].Dataset != w.dataset || rels[0].Vintage != w.vintage || rels[0].Assets[0].Name != w.file ||
			!strings.HasPrefix(rels[0].Assets[0].URL, "https://assets.publishing.service.gov.uk/media/") || rels[0].Assets[0].Kind != fetch.KindODS {
			t.Fatalf("%s: releases %+v", id, rels)
		}
		res, err := sources.Ingest(ctx, env, src, sources.Options{})
		if err != nil || res.Err() != nil {
			t.Fatalf("%s: ingest: %v %v", id, err, res.Err())
		}
	}
	var n int
	if err := db.QueryRow(ctx, "SELECT count(*) FROM raw.dcms_museum_visits WHERE table_id = '2a' AND marker IS NOT NULL").Scan(&n); err != nil || n == 0 {
		t.Errorf("archive markers: %d %v", n, err)
	}
	if err := db.QueryRow(ctx, "SELECT count(DISTINCT table_id) FROM raw.dcms_participation").Scan(&n); err != nil || n != 4 { // arts, libraries, heritage, museums
		t.Errorf("participation tables: %d %v", n, err)
	}
}

// TestDiscoverFailsLoudly checks that a page without the expected attachment or documents is an
// error naming the page and the pattern, not an empty success.
func TestDiscoverFailsLoudly(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.Contains(r.URL.Path, "statistical-data-sets"):
			w.Write([]byte(`{"base_path":"/government/statistical-data-sets/museums-and-galleries-monthly-visits","title":"Museums and galleries monthly visits",
				"details":{"attachments":[{"title":"Pre-release access list","url":"https://assets.publishing.service.gov.uk/media/abc/pre-release.pdf","content_type":"application/pdf"}]}}`))
		case strings.Contains(r.URL.Path, "collections"):
			w.Write([]byte(`{"base_path":"/government/collections/x","title":"x","links":{"documents":[{"base_path":"/government/statistics/participation-survey-2022-23-annual-publication"}]}}`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	env := mirrorEnv(t, srv.URL)
	ctx := context.Background()
	_, err := MuseumVisits{}.Discover(ctx, env)
	if err == nil || !strings.Contains(err.Error(), "museums-and-galleries-monthly-visits") || !strings.Contains(err.Error(), "pre-release.pdf") {
		t.Errorf("visits: %v", err)
	}
	_, err = MuseumIndicators{}.Discover(ctx, env)
	if err == nil || !strings.Contains(err.Error(), "annual-performance-indicators") {
		t.Errorf("indicators: %v", err)
	}
	_, err = Participation{}.Discover(ctx, env)
	if !errors.Is(err, sources.ErrNothingPublished) {
		t.Errorf("participation before local-authority tables: %v", err)
	}
}

func TestIdentifyFromFiles(t *testing.T) {
	ctx := context.Background()
	p := writeFixture(t, "renamed.ods", visitsFixture())
	rel := sources.Release{}
	if err := (MuseumVisits{}).Identify(ctx, &rel, []sources.Fetched{{Asset: sources.Asset{Name: "renamed.ods"}, Path: p}}); err != nil || rel.Vintage != "2019-02" {
		t.Errorf("visits vintage from sheet 1a's title: %q %v", rel.Vintage, err)
	}
	rel = sources.Release{}
	if err := (MuseumIndicators{}).Identify(ctx, &rel, []sources.Fetched{{Asset: sources.Asset{Name: "pi.ods"}, Path: writeFixture(t, "pi.ods", indicatorsFixture())}}); err != nil || rel.Vintage != "2023-24" {
		t.Errorf("indicators vintage from the cover sheet: %q %v", rel.Vintage, err)
	}
	rel = sources.Release{}
	err := (Participation{}).Identify(ctx, &rel, []sources.Fetched{{Asset: sources.Asset{Name: "tables.ods"}, Path: writeFixture(t, "tables.ods", participationFixture())}})
	if !errors.Is(err, sources.ErrNoVintage) {
		t.Errorf("participation without a year in the name: %v", err)
	}
}
