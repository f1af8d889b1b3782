package mhclg

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
	"github.com/cornerstone-data/cornerstone/sources/govuk"
)

func mirrorEnv(t *testing.T, h http.Handler) *sources.Env {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	fc, err := fetch.New(fetch.Spec{Mirror: srv.URL, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	return &sources.Env{Fetch: fc}
}

// contentAPI serves GOV.UK Content API pages on loopback (the shape fetch's mirror produces:
// /www.gov.uk/api/content/<base path>) and records which were asked for.
type contentAPI struct {
	mu    sync.Mutex
	pages map[string]any
	asked map[string]bool
}

func (c *contentAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p, ok := strings.CutPrefix(r.URL.Path, "/www.gov.uk/api/content")
	c.mu.Lock()
	c.asked[p] = true
	page, found := c.pages[p]
	c.mu.Unlock()
	if !ok || !found {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(page)
}

// TestDiscoverAgainstTheRealListings serves the revenue collection exactly as listed in
// ../shared/reference (every release page linked from it) and the three release pages whose
// attachments were captured, and checks that discovery finds each year's RO5 workbook at the
// published asset URL, passes over pages without one, and leaves out years before 2010-11.
func TestDiscoverAgainstTheRealListings(t *testing.T) {
	ref, ok := config.ReferenceDir(filepath.Join("..", ".."))
	if !ok {
		t.Skip("../shared/reference is absent: the real GOV.UK listings are not available")
	}
	var listing struct {
		Outturn []string `json:"individual_la_outturn_pages"`
		Other   []string `json:"other_statistics_pages"`
	}
	readJSON(t, filepath.Join(ref, "ro5_revenue_outturn", "govuk_revenue_collection_discovered_pages.json"), &listing)
	var captured map[string]struct {
		Page        string             `json:"page"`
		Attachments []govuk.Attachment `json:"attachments"`
	}
	readJSON(t, filepath.Join(ref, "ro5_revenue_outturn", "govuk_content_api_attachments_RO_2013-14_2018-19_2024-25.json"), &captured)

	api := &contentAPI{pages: map[string]any{}, asked: map[string]bool{}}
	updated := time.Date(2025, 12, 4, 9, 30, 0, 0, time.UTC)
	var docs []map[string]any
	for _, p := range append(append([]string{}, listing.Outturn...), listing.Other...) {
		docs = append(docs, map[string]any{"base_path": p, "title": p[strings.LastIndex(p, "/")+1:], "public_updated_at": updated})
		api.pages[p] = map[string]any{"base_path": p, "title": "Release " + p, "public_updated_at": updated, "details": map[string]any{"attachments": []any{}}}
	}
	api.pages[RevenueCollection] = map[string]any{"base_path": RevenueCollection, "title": "Local authority revenue expenditure and financing",
		"links": map[string]any{"documents": docs}}
	want := map[string]string{}
	for year, c := range captured {
		p := strings.TrimPrefix(c.Page, "https://www.gov.uk")
		api.pages[p] = map[string]any{"base_path": p, "title": "Release " + year, "public_updated_at": updated,
			"details": map[string]any{"attachments": c.Attachments}}
		for _, a := range c.Attachments {
			if strings.Contains(a.Title, "(RO5)") {
				want[RO5DatasetPrefix+year] = a.URL
			}
		}
	}
	ts := "/government/statistics/local-authority-revenue-expenditure-and-financing-england-revenue-outturn-multi-year-data-set"
	api.pages[ts] = map[string]any{"base_path": ts, "title": "Revenue outturn multi-year data set", "public_updated_at": updated,
		"details": map[string]any{"attachments": []map[string]any{
			{"title": "Revenue outturn time series data", "url": "https://assets.publishing.service.gov.uk/media/6937fe05e447374889cd8f4b/Revenue_Outturn_time_series_data_v3.1.csv", "content_type": "text/csv"},
			{"title": "Revenue outturn metadata", "url": "https://assets.publishing.service.gov.uk/media/6937fe05e447374889cd8f4c/Revenue_Outturn_metadata.ods", "content_type": "application/vnd.oasis.opendocument.spreadsheet"},
		}}}

	rels, err := Outturn{}.Discover(context.Background(), mirrorEnv(t, api))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]sources.Release{}
	for _, r := range rels {
		got[r.Dataset] = r
	}
	if len(rels) != len(want)+1 {
		t.Errorf("%d releases, want %d: %+v", len(rels), len(want)+1, rels)
	}
	for ds, u := range want {
		r, ok := got[ds]
		if !ok || len(r.Assets) != 1 || r.Assets[0].URL != u || r.Vintage != "2025-12-04-outturn" || !r.Published.Equal(updated) {
			t.Errorf("%s: %+v, want the asset %s", ds, r, u)
		}
	}
	if k := got[RO5DatasetPrefix+"2013-14"].Assets[0].Kind; k != fetch.KindXLS {
		t.Errorf("2013-14 kind %v, want XLS", k)
	}
	tsr := got[TimeSeriesDataset]
	if tsr.Vintage != "2025-12-04-multi-year-v3.1" || len(tsr.Assets) != 2 || tsr.Assets[1].Role != "metadata" || tsr.Assets[0].Kind != fetch.KindCSV {
		t.Errorf("time series %+v", tsr)
	}
	if api.asked["/government/statistics/local-authority-revenue-expenditure-and-financing-england-2009-to-2010-individual-local-authority-data-outturn"] {
		t.Error("discovery read the 2009-10 page, before the first year loaded")
	}
	if !api.asked["/government/statistics/local-authority-revenue-expenditure-and-financing-england-2023-to-2024-first-release"] {
		t.Error("discovery did not look at the 2023-24 first release")
	}

	// The captured pages hold no RA file: budget discovery says so, naming the collection.
	_, err = Budget{}.Discover(context.Background(), mirrorEnv(t, api))
	if !errors.Is(err, sources.ErrNothingPublished) || !strings.Contains(err.Error(), RevenueCollection) {
		t.Errorf("budget discovery: %v", err)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// TestDiscoverTheDemoSample discovers from the generated sample served on loopback: every RO5
// vintage (a first release and its revision are two), the time series and the newest two budgets.
func TestDiscoverTheDemoSample(t *testing.T) {
	s, err := demo.Generate()
	if err != nil {
		t.Fatal(err)
	}
	env := mirrorEnv(t, s.Handler())
	rels, err := Outturn{}.Discover(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, r := range rels {
		keys = append(keys, r.Key())
	}
	want := "ro5-2013-14@2015-01-28-outturn ro5-2017-18@2019-02-14-outturn ro5-2018-19@2024-05-29-outturn " +
		"ro5-2023-24@2024-12-05-first-release ro5-2023-24@2025-11-27-outturn ro5-2024-25@2025-12-04-outturn ro-time-series@2025-12-09-multi-year-v3.1"
	if got := strings.Join(keys, " "); got != want {
		t.Errorf("releases\n%s\nwant\n%s", got, want)
	}
	for _, r := range rels {
		if !strings.HasPrefix(r.Assets[0].URL, "https://assets.publishing.service.gov.uk/media/") || strings.HasPrefix(r.Assets[0].Name, "RS_") {
			t.Errorf("%s: asset %+v", r.Key(), r.Assets[0])
		}
	}
	budgets, err := Budget{}.Discover(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	if len(budgets) != 2 || budgets[0].Dataset != "ra-2024-25" || budgets[1].Dataset != "ra-2025-26" || !strings.HasSuffix(budgets[1].Assets[0].Name, "_Part_1.ods") {
		t.Errorf("budgets %+v", budgets)
	}
}

func TestClassifyPage(t *testing.T) {
	const p = "/government/statistics/local-authority-revenue-expenditure-and-financing-"
	for slug, want := range map[string][3]string{
		"england-2024-to-2025-individual-local-authority-data-outturn": {pageOutturn, "2024-25", "outturn"},
		"england-2023-to-2024-first-release":                           {pageOutturn, "2023-24", "first-release"},
		"england-2010-to-2011-individual-local-authority-data--5":      {pageOutturn, "2010-11", "la-data--5"},
		"in-england-2013-to-2014-final-outturn":                        {pageOutturn, "2013-14", "final-outturn"},
		"in-england-2009-to-2010-final-outturn-revised":                {pageOutturn, "2009-10", "final-outturn-revised"},
		"england-2026-to-2027-budget-individual-local-authority-data":  {pageBudget, "2026-27", "budget-la"},
		"2023-24-budget-england":                                       {pageBudget, "2023-24", "budget"},
		"england-revenue-outturn-multi-year-data-set":                  {pageTimeSeries, "", "multi-year"},
	} {
		got, ok := classifyPage(govuk.Document{BasePath: p + slug})
		if !ok || got.Kind != want[0] || got.Year != want[1] || got.Stage != want[2] {
			t.Errorf("%s: %+v %v, want %v", slug, got, ok, want)
		}
	}
	if _, ok := classifyPage(govuk.Document{BasePath: p + "in-england-2011-to-2012"}); ok {
		t.Error("a page without a stage was classified")
	}
}
