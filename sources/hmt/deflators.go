// Package hmt holds HM Treasury's sources: the GDP deflators at market prices, and money GDP
// (hmt-gdp-deflators), which Cornerstone uses to state money in real terms.
package hmt

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/govuk"
)

func init() { sources.Register(Deflators{}) }

// Deflators is the hmt-gdp-deflators source: the financial-year table of HM Treasury's "GDP
// deflators at market prices, and money GDP", published on GOV.UK after each ONS Quarterly National
// Accounts and each OBR forecast (one page per release, with an XLSX and a CSV of the same
// tables). Every release restates the whole series on its own base year; each is kept as a
// vintage ("2025-09") and core.gdp_deflators takes the newest.
type Deflators struct{}

// Collection is the GOV.UK collection listing every release.
const Collection = "/government/collections/gdp-deflators-at-market-prices-and-money-gdp"

// Dataset is the dataset name of the financial-year series.
const Dataset = "gdp-deflators"

// KeepReleases is how many of the newest releases discovery offers: a year of quarterly
// revisions. Older releases stay listed on GOV.UK but restate nothing newer.
const KeepReleases = 4

// Table is raw.hmt_gdp_deflators: one row per financial year of one release.
var Table = warehouse.Table{Schema: "raw", Name: "hmt_gdp_deflators", Doc: "HM Treasury GDP deflators at market prices and money GDP, financial years, as published in each release", Columns: []warehouse.Column{
	{Name: "financial_year", Type: "VARCHAR", Doc: "'2023-24' (footnote markers stripped)"},
	{Name: "deflator", Type: "DOUBLE", Doc: "GDP deflator at market prices, index with base_year = 100; NULL when the cell is blank or a marker"},
	{Name: "base_year", Type: "VARCHAR", Doc: "the index base as stated in the file: '2023-24' (or a calendar year '2023')"},
	{Name: "pct_change", Type: "DOUBLE", Doc: "the deflator's per cent change on the previous year as published (2.1 means 2.1%)"},
	{Name: "money_gdp_gbp_million", Type: "DOUBLE", Doc: "money (nominal) GDP in £ million, the first money GDP column of the table"},
	{Name: "forecast", Type: "BOOLEAN", Doc: "true for OBR forecast years, false for outturn, NULL when the file does not say"},
	{Name: "label", Type: "VARCHAR", Doc: "the year cell as published, footnote markers included ('2025-26 (1)')"},
}}

// Info describes the source.
func (Deflators) Info() sources.Info {
	return sources.Info{
		ID:         "hmt-gdp-deflators",
		Title:      "GDP deflators at market prices, and money GDP",
		Publisher:  "HM Treasury",
		Licence:    "Open Government Licence v3.0",
		LicenceURL: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
		Homepage:   govuk.PageURL(Collection),
		Tables:     []warehouse.Table{Table},
		Cadence: sources.Cadence{Every: "quarterly", Months: []time.Month{time.January, time.April, time.July, time.October}, Grace: 75 * 24 * time.Hour,
			Note: "updated shortly after each ONS Quarterly National Accounts (end of March, June, September, December) and after each OBR forecast (Budget, Spring Statement)"},
		Schedule: "0 5 * * 1",
		MaxDrop:  0.2,
	}
}

var (
	releasePageRe = regexp.MustCompile(`/gdp-deflators-at-market-prices-and-money-gdp-?(january|february|march|april|may|june|july|august|september|october|november|december)-(\d{4})`)
	xlsxRe        = regexp.MustCompile(`(?i)\.xlsx$`)
	csvRe         = regexp.MustCompile(`(?i)\.csv$`)
)

// Discover reads the GOV.UK collection, keeps the KeepReleases newest release pages (by the month
// and year in their address), and takes each page's XLSX attachment (its CSV when there is no
// XLSX). The vintage is the release month ("2025-09"); the publication date is the page's last
// public update, so a corrected file is a newer copy of its vintage.
func (Deflators) Discover(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	col, err := govuk.Get(ctx, env.Fetch, Collection)
	if err != nil {
		return nil, err
	}
	docs, err := col.Match(releasePageRe)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", sources.ErrNothingPublished, err)
	}
	type cand struct {
		doc     govuk.Document
		vintage string
	}
	// One page per month; when two share a month (a Budget and a Quarterly National Accounts
	// update), the one updated last is the newer release.
	byMonth := map[string]govuk.Document{}
	for _, d := range docs {
		m := releasePageRe.FindStringSubmatch(d.BasePath)
		v := monthVintage(m[1], m[2])
		if prev, ok := byMonth[v]; !ok || d.PublicUpdatedAt.After(prev.PublicUpdatedAt) {
			byMonth[v] = d
		}
	}
	var cands []cand
	for v, d := range byMonth {
		cands = append(cands, cand{d, v})
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].vintage < cands[j].vintage })
	if len(cands) > KeepReleases {
		cands = cands[len(cands)-KeepReleases:]
	}
	var out []sources.Release
	for _, c := range cands {
		page, err := govuk.Get(ctx, env.Fetch, c.doc.BasePath)
		if err != nil {
			return nil, err
		}
		att, err := page.Attachment(xlsxRe)
		if err != nil {
			if att, err = page.Attachment(csvRe); err != nil {
				return nil, fmt.Errorf("%w: %w", sources.ErrNothingPublished, err)
			}
		}
		out = append(out, sources.Release{
			Dataset: Dataset, Vintage: c.vintage,
			Title: strings.TrimSpace(page.Title), PageURL: govuk.PageURL(c.doc.BasePath), Published: page.Updated(),
			Assets: []sources.Asset{{URL: att.URL, Name: att.Name(), Kind: att.Kind()}},
		})
	}
	return out, nil
}

// Identify names a --from file's release: the month in its file name
// ("…_September_2025_update.xlsx") or in its title rows, else it fails with sources.ErrNoVintage.
func (Deflators) Identify(ctx context.Context, rel *sources.Release, files []sources.Fetched) error {
	if rel.Dataset == "" {
		rel.Dataset = Dataset
	}
	if rel.Vintage == "" {
		rel.Vintage = VintageFromText(files[0].Name)
	}
	if rel.Vintage == "" {
		wb, err := sheets.Open(files[0].Path)
		if err != nil {
			return err
		}
		defer wb.Close()
		t, err := ReadDeflators(ctx, wb, files[0].Name)
		if err != nil {
			return err
		}
		rel.Vintage = t.TitleVintage
	}
	if rel.Vintage == "" {
		return fmt.Errorf("%s: neither the file name nor the title rows name the release month (\"September 2025\"): %w", files[0].Name, sources.ErrNoVintage)
	}
	if rel.Title == "" {
		rel.Title = "GDP deflators at market prices, and money GDP " + rel.Vintage
	}
	return nil
}

// Load reads the financial-year table (see ReadDeflators) and writes one row per year.
func (Deflators) Load(ctx context.Context, ld *sources.Loader) error {
	f, err := ld.File("")
	if err != nil {
		return err
	}
	wb, err := sheets.Open(f.Path)
	if err != nil {
		return err
	}
	defer wb.Close()
	t, err := ReadDeflators(ctx, wb, f.Filename)
	if err != nil {
		return err
	}
	for _, n := range t.Notes {
		ld.Notef("%s", n)
	}
	w, err := ld.Writer(ctx, Table.Name)
	if err != nil {
		return err
	}
	for _, r := range t.Rows {
		if err := w.Append(f.Filename, t.Sheet, r.Row, r.FinancialYear, r.Deflator, t.BaseYear, r.PctChange, r.MoneyGDP, r.Forecast, r.Label); err != nil {
			return err
		}
	}
	return nil
}
