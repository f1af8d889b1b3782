package hmt_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/internal/sheets/sheetwrite"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
	"github.com/cornerstone-data/cornerstone/sources/hmt"
	"github.com/cornerstone-data/cornerstone/sources/sourcestest"
)

const csvFile = "GDP_Deflators_Qtrly_National_Accounts_September_2025_update.csv"

var sample = sync.OnceValues(demo.Generate)

// demoFile writes the demo sample's file ending in name to a temporary directory.
func demoFile(t testing.TB, name string) string {
	t.Helper()
	s, err := sample()
	if err != nil {
		t.Fatal(err)
	}
	f, ok := s.Find(name)
	if !ok {
		t.Fatalf("the demo sample has no %s", name)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, f.Body, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// workbook writes rows as a one-sheet XLSX named name and returns its path.
func workbook(t testing.TB, name string, rows [][]any) string {
	t.Helper()
	b, err := demo.XLSX(sheetwrite.Sheet{Name: "Table", Rows: rows})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func read(t testing.TB, path string) (*hmt.DeflatorTable, error) {
	t.Helper()
	wb, err := sheets.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	return hmt.ReadDeflators(context.Background(), wb, filepath.Base(path))
}

func val(p *float64) string {
	if p == nil {
		return "NULL"
	}
	return strconv.FormatFloat(math.Round(*p*1000)/1000, 'f', -1, 64)
}

func flag(p *bool) string {
	if p == nil {
		return "NULL"
	}
	return fmt.Sprint(*p)
}

func TestInfo(t *testing.T) { sourcestest.TestInfo(t, hmt.Deflators{}) }

func TestLoadDemoWorkbook(t *testing.T) {
	env := sourcestest.TestLoad(t, hmt.Deflators{}, demoFile(t, demo.DeflatorsFile), sources.Options{})
	var n int
	var vintage, base string
	if err := env.DB.QueryRow(context.Background(), `SELECT count(*), any_value(_vintage), any_value(base_year) FROM raw.hmt_gdp_deflators`).Scan(&n, &vintage, &base); err != nil {
		t.Fatal(err)
	}
	if want := demo.DeflatorsLast - demo.DeflatorsFirst + 1; n != want || vintage != "2025-09" || base != "2023-24" {
		t.Fatalf("%d rows vintage %s base %s, want %d rows vintage 2025-09 base 2023-24", n, vintage, base, want)
	}
}

func TestLoadDemoCSV(t *testing.T) {
	sourcestest.TestLoad(t, hmt.Deflators{}, demoFile(t, csvFile), sources.Options{})
}

// TestReadDemoCellByCell checks every year of the demo workbook and its CSV copy against the
// generator's series: the calendar-year table beside it is not read, footnote markers are
// stripped, and years marked "(1)" are forecasts because footnote (1) says so.
func TestReadDemoCellByCell(t *testing.T) {
	for _, name := range []string{demo.DeflatorsFile, csvFile} {
		t.Run(name, func(t *testing.T) {
			tab, err := read(t, demoFile(t, name))
			if err != nil {
				t.Fatal(err)
			}
			if tab.BaseYear != "2023-24" || tab.HeaderRow != 5 || tab.TitleVintage != "2025-09" || len(tab.Notes) != 0 {
				t.Fatalf("base %q header row %d title vintage %q notes %q", tab.BaseYear, tab.HeaderRow, tab.TitleVintage, tab.Notes)
			}
			if len(tab.Rows) != demo.DeflatorsLast-demo.DeflatorsFirst+1 {
				t.Fatalf("%d rows", len(tab.Rows))
			}
			for i, r := range tab.Rows {
				y := demo.DeflatorsFirst + i
				fy := fmt.Sprintf("%d-%02d", y, (y+1)%100)
				if r.FinancialYear != fy || r.Row != 6+i {
					t.Fatalf("row %d: %s at row %d, want %s at %d", i, r.FinancialYear, r.Row, fy, 6+i)
				}
				if got, want := val(r.Deflator), val(ptr(demo.DemoDeflator(y))); got != want {
					t.Errorf("%s deflator %s, want %s", fy, got, want)
				}
				wantForecast := y >= demo.DeflatorsForecastFrom
				if flag(r.Forecast) != fmt.Sprint(wantForecast) {
					t.Errorf("%s forecast %s, want %v", fy, flag(r.Forecast), wantForecast)
				}
				if wantForecast != strings.HasSuffix(r.Label, " (1)") {
					t.Errorf("%s label %q", fy, r.Label)
				}
				if y == demo.DeflatorsFirst {
					if r.PctChange != nil {
						t.Errorf("%s: first year has a per cent change %s", fy, val(r.PctChange))
					}
					continue
				}
				implied := (demo.DemoDeflator(y)/demo.DemoDeflator(y-1) - 1) * 100
				if r.PctChange == nil || math.Abs(*r.PctChange-implied) > 0.051 {
					t.Errorf("%s per cent change %s, implied %.3f", fy, val(r.PctChange), implied)
				}
				if r.MoneyGDP == nil || *r.MoneyGDP < 1e6 || *r.MoneyGDP > 5e6 {
					t.Errorf("%s money GDP %s", fy, val(r.MoneyGDP))
				}
			}
			if tab.Rows[demo.DeflatorsBase-demo.DeflatorsFirst].Deflator == nil || *tab.Rows[demo.DeflatorsBase-demo.DeflatorsFirst].Deflator != 100 {
				t.Errorf("base year deflator is not 100")
			}
		})
	}
}

func ptr(f float64) *float64 { return &f }

// TestReadLayouts reads the layouts the publisher has used or may use, each checked cell by cell.
func TestReadLayouts(t *testing.T) {
	title := []any{"GDP deflators at market prices, and money GDP"}
	for _, tc := range []struct {
		name string
		rows [][]any
		base string
		want []string // financial_year deflator pct money forecast label
		note string
	}{{
		name: "two-row header, base in the title rows, Forecast section heading, percentage fractions",
		rows: [][]any{title, {"Updated 30 June 2025"}, {"Index, 2022-23=100"}, {},
			{nil, nil, "GDP deflator", nil, "Money GDP"},
			{nil, "Financial year", "Index", "per cent change on previous year", "£ million"},
			{nil, "2021-22", 95.0, "", 2_300_000},
			{nil, "2022-23", 100.0, sheetwrite.Percent(0.05263), 2_500_000},
			{nil, "Forecast"},
			{nil, "2023-24", 103.0, sheetwrite.Percent(0.03), "2,650,000"},
			{},
			{"Source: HM Treasury"},
		},
		base: "2022-23",
		want: []string{"2021-22 95 NULL 2300000 false 2021-22", "2022-23 100 5.263 2500000 false 2022-23", "2023-24 103 3 2650000 true 2023-24"},
		note: "fractions",
	}, {
		name: "forecast column, header base, money in £ billion, markers in brackets",
		rows: [][]any{title, {},
			{"Financial Year", "GDP deflator at market prices (2023/24 = 100)", "Per cent change", "Money GDP (£ billion)", "Outturn/forecast"},
			{"2023/24", 100, 4.5, 2700.5, "Outturn"},
			{"2024/25 [note 1]", "102.1", "2.1", "2800", "Forecast"},
			{"2025/26", "-", "2.0", "..", "Forecast"},
		},
		base: "2023-24",
		want: []string{"2023-24 100 4.5 2700500 false 2023/24", "2024-25 102.1 2.1 2800000 true 2024/25 [note 1]", "2025-26 NULL 2 NULL true 2025/26"},
	}, {
		name: "no forecast marking: forecast unknown",
		rows: [][]any{title,
			{"Financial year", "GDP deflator (2023-24 = 100)", "per cent change on previous year", "Money GDP (£ million)"},
			{"2023-24", 100, 3.1, 2_700_000},
			{"2024-25", 102, 2, 2_800_000},
		},
		base: "2023-24",
		want: []string{"2023-24 100 3.1 2700000 NULL 2023-24", "2024-25 102 2 2800000 NULL 2024-25"},
		note: "does not mark which years are forecasts",
	}, {
		name: "calendar table below, forecast range sentence in the notes, superscript markers",
		rows: [][]any{title, {"Base year: 2023-24"},
			{"Financial year", "GDP deflator", "per cent change on previous year", "Money GDP £m"},
			{"2023-24", 100, 3.1, 2_700_000},
			{"2024-25²", 102, 2, 2_800_000},
			{"2025-26²", 104, 2, 2_900_000},
			{},
			{"Calendar year", "GDP deflator (2023 = 100)", "per cent change", "Money GDP £m"},
			{2023, 100, 3, 2_600_000},
			{2024, 101.5, 1.5, 2_700_000},
			{"Forecasts for 2025-26 to 2029-30 are from the OBR, March 2025."},
		},
		base: "2023-24",
		want: []string{"2023-24 100 3.1 2700000 false 2023-24", "2024-25 102 2 2800000 false 2024-25²", "2025-26 104 2 2900000 true 2025-26²"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			tab, err := read(t, workbook(t, "deflators.xlsx", tc.rows))
			if err != nil {
				t.Fatal(err)
			}
			if tab.BaseYear != tc.base {
				t.Errorf("base year %q, want %q", tab.BaseYear, tc.base)
			}
			var got []string
			for _, r := range tab.Rows {
				got = append(got, strings.Join([]string{r.FinancialYear, val(r.Deflator), val(r.PctChange), val(r.MoneyGDP), flag(r.Forecast), r.Label}, " "))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("rows:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if tc.note != "" && !strings.Contains(strings.Join(tab.Notes, "\n"), tc.note) {
				t.Errorf("notes %q lack %q", tab.Notes, tc.note)
			}
		})
	}
}

// TestReadErrors: every failure names the file, sheet and cell (or the header expected).
func TestReadErrors(t *testing.T) {
	title := []any{"GDP deflators at market prices, and money GDP"}
	for _, tc := range []struct {
		name   string
		rows   [][]any
		want   []string
		layout bool
	}{{
		name:   "no base year anywhere",
		rows:   [][]any{title, {"Financial year", "GDP deflator", "per cent change"}, {"2023-24", 100, 3}},
		want:   []string{`bad.xlsx sheet "Table" cell B2`, "base year"},
		layout: true,
	}, {
		name: "a deflator that is not a number",
		rows: [][]any{title, {"Financial year", "GDP deflator (2023-24=100)"}, {"2023-24", 100}, {"2024-25", "1o2.3"}},
		want: []string{`bad.xlsx sheet "Table" cell B4 ("1o2.3")`, "not a number"},
	}, {
		name: "a year twice",
		rows: [][]any{title, {"Financial year", "GDP deflator (2023-24=100)"}, {"2023-24", 100}, {"2023-24 (1)", 102}},
		want: []string{`cell A4 ("2023-24 (1)")`, "appears twice", "rows 3 and 4"},
	}, {
		name:   "the stated base year is not 100",
		rows:   [][]any{title, {"Financial year", "GDP deflator (2023-24=100)"}, {"2022-23", 100}, {"2023-24", 103}},
		want:   []string{"cell B4", "2023-24 = 100 but its deflator is 103"},
		layout: true,
	}, {
		name:   "no financial-year table",
		rows:   [][]any{title, {"Calendar year", "GDP deflator (2023=100)"}, {2023, 100}},
		want:   []string{"bad.xlsx", `header "Financial year … GDP deflator" not found`},
		layout: true,
	}, {
		name:   "no deflator column",
		rows:   [][]any{title, {"Financial year", "Money GDP (£ million)"}, {"2023-24", 2_700_000}},
		want:   []string{"bad.xlsx", `header "Financial year … GDP deflator" not found`},
		layout: true,
	}, {
		name:   "no year under the header",
		rows:   [][]any{title, {"Financial year", "GDP deflator (2023-24=100)"}, {"Source: ONS"}},
		want:   []string{`bad.xlsx sheet "Table"`, "no financial year with a figure under the header in row 2 (cell A2)"},
		layout: true,
	}, {
		name: "a negative deflator",
		rows: [][]any{title, {"Financial year", "GDP deflator (2023-24=100)"}, {"2023-24", 100}, {"2024-25", -1}},
		want: []string{"cell B4", "must be positive"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := read(t, workbook(t, "bad.xlsx", tc.rows))
			if err == nil {
				t.Fatal("read without error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if tc.layout != errors.Is(err, sources.ErrLayout) {
				t.Errorf("errors.Is(ErrLayout) = %v, want %v (%v)", !tc.layout, tc.layout, err)
			}
		})
	}
}

// TestLoadBadFileChangesNothing: a file whose base year is missing fails through the ingest driver
// with the reason "layout" and leaves the release already held in place.
func TestLoadBadFileChangesNothing(t *testing.T) {
	env := sourcestest.Env(t)
	if _, err := sourcestest.Ingest(t, env, hmt.Deflators{}, demoFile(t, demo.DeflatorsFile), sources.Options{}); err != nil {
		t.Fatal(err)
	}
	before := sourcestest.Stats(t, env)
	bad := workbook(t, "GDP_Deflators_Qtrly_National_Accounts_December_2025_update.xlsx", [][]any{
		{"GDP deflators"}, {"Financial year", "GDP deflator"}, {"2023-24", 100}})
	_, err := sourcestest.Ingest(t, env, hmt.Deflators{}, bad, sources.Options{})
	if err == nil || sources.Reason(err) != sources.ReasonLayout || !strings.Contains(err.Error(), "hmt-gdp-deflators") {
		t.Fatalf("err = %v (reason %s)", err, sources.Reason(err))
	}
	sourcestest.Unchanged(t, before, sourcestest.Stats(t, env))
}

// TestIdentifyFromTitleRows: a file renamed without its month is identified from its title rows;
// one with neither fails with ErrNoVintage.
func TestIdentifyFromTitleRows(t *testing.T) {
	env := sourcestest.Env(t)
	path := filepath.Join(t.TempDir(), "deflators.xlsx")
	b, _ := os.ReadFile(demoFile(t, demo.DeflatorsFile))
	os.WriteFile(path, b, 0o644)
	res, err := sourcestest.Ingest(t, env, hmt.Deflators{}, path, sources.Options{})
	if err != nil || res.Loads[0].Release.Vintage != "2025-09" || res.Loads[0].Release.Dataset != hmt.Dataset {
		t.Fatalf("%v %+v", err, res)
	}
	anon := workbook(t, "deflators.xlsx", [][]any{{"Financial year", "GDP deflator (2023-24=100)"}, {"2023-24", 100}})
	if _, err := sourcestest.Ingest(t, env, hmt.Deflators{}, anon, sources.Options{}); !errors.Is(err, sources.ErrNoVintage) {
		t.Fatalf("err = %v, want ErrNoVintage", err)
	}
}

func TestParseFinancialYear(t *testing.T) {
	for in, want := range map[string]string{
		"2023-24": "2023-24 []", "2023/24": "2023-24 []", "2023-2024": "2023-24 []", "2023 to 2024": "2023-24 []",
		"1999-00": "1999-00 []", "2025-26 (1)": "2025-26 [1]", "2025-26 (1), (2)": "2025-26 [1 2]", "2025-26*": "2025-26 [*]",
		"2025-26 [note 3]": "2025-26 [3]", "2025-26³": "2025-26 [3]", "2025-26 (f)": "2025-26 [f]", " 2025–26 ": "2025-26 []",
		"2023-25": "", "2023": "", "Financial year": "", "2025-26 to 2029-30 are forecasts": "", "2023-24 Q1": "",
	} {
		fy, markers, ok := hmt.ParseFinancialYear(in)
		got := ""
		if ok {
			got = fmt.Sprintf("%s %v", fy, markers)
		}
		if got != want {
			t.Errorf("ParseFinancialYear(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestDiscover runs discovery against a GOV.UK collection served on loopback: the newest
// KeepReleases releases, oldest first, one per month (the later update of two), the XLSX
// preferred and the CSV taken when a page has no XLSX.
func TestDiscover(t *testing.T) {
	s := &demo.Sample{Files: map[string]demo.File{}}
	var docs []demo.GovukDocument
	page := func(slug string, updated time.Time, files ...string) {
		var atts []demo.GovukAttachment
		for _, f := range files {
			ct := "text/csv"
			if strings.HasSuffix(f, ".xlsx") {
				ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
			}
			atts = append(atts, demo.GovukAttachment{Title: f, File: f, ContentType: ct, Body: []byte(f)})
		}
		base := "/government/statistics/gdp-deflators-at-market-prices-and-money-gdp-" + slug
		if err := s.AddGovukPage(base, "GDP deflators "+slug, updated, atts); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, demo.GovukDocument{BasePath: base, Title: slug, Updated: updated})
	}
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 9, 30, 0, 0, time.UTC) }
	page("december-2024-quarterly-national-accounts", day(2024, 12, 23), "dec24.xlsx", "dec24.csv")
	page("march-2025-spring-statement", day(2025, 3, 26), "mar25-budget.xlsx")
	page("march-2025-quarterly-national-accounts", day(2025, 3, 31), "mar25-qna.xlsx", "mar25-qna.csv")
	page("june-2025-quarterly-national-accounts", day(2025, 6, 30), "jun25.csv")
	page("september-2025-quarterly-national-accounts", day(2025, 9, 30), "sep25.csv", "sep25.xlsx")
	page("september-2014-quarterly-national-accounts", day(2014, 9, 30), "sep14.xlsx")
	if err := s.AddGovukCollection(hmt.Collection, "GDP deflators", append(docs, demo.GovukDocument{BasePath: "/government/publications/gdp-deflators-user-guide", Title: "guide"})); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	env := sourcestest.Env(t)
	fc, err := fetch.New(fetch.Spec{Mirror: srv.URL, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	env.Fetch = fc
	rels, err := hmt.Deflators{}.Discover(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rels {
		got = append(got, fmt.Sprintf("%s %s %s %s %s", r.Dataset, r.Vintage, r.Published.Format("2006-01-02"), r.Assets[0].Name, r.Assets[0].Kind))
	}
	want := []string{
		"gdp-deflators 2024-12 2024-12-23 dec24.xlsx XLSX",
		"gdp-deflators 2025-03 2025-03-31 mar25-qna.xlsx XLSX",
		"gdp-deflators 2025-06 2025-06-30 jun25.csv CSV",
		"gdp-deflators 2025-09 2025-09-30 sep25.xlsx XLSX",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("releases:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.HasPrefix(rels[3].PageURL, "https://www.gov.uk/government/statistics/gdp-deflators-at-market-prices-and-money-gdp-september-2025") {
		t.Errorf("page URL %s", rels[3].PageURL)
	}
}

// TestDiscoverDemo ingests the demo sample through discovery, as `cornerstone demo` does.
func TestDiscoverDemo(t *testing.T) {
	s, err := sample()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	env := sourcestest.Env(t)
	if env.Fetch, err = fetch.New(fetch.Spec{Mirror: srv.URL, Retries: -1}); err != nil {
		t.Fatal(err)
	}
	res, err := sources.Ingest(context.Background(), env, hmt.Deflators{}, sources.Options{})
	if err != nil || len(res.Loads) != 1 || res.Loads[0].Status != sources.StatusLoaded || res.Loads[0].Release.Vintage != "2025-09" {
		t.Fatalf("%v %+v", err, res)
	}
}

// TestDiscoverNothing: a collection without release pages is ErrNothingPublished, naming the
// collection and the pattern.
func TestDiscoverNothing(t *testing.T) {
	s := &demo.Sample{Files: map[string]demo.File{}}
	if err := s.AddGovukCollection(hmt.Collection, "GDP deflators", nil); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	env := sourcestest.Env(t)
	var err error
	if env.Fetch, err = fetch.New(fetch.Spec{Mirror: srv.URL, Retries: -1}); err != nil {
		t.Fatal(err)
	}
	_, err = hmt.Deflators{}.Discover(context.Background(), env)
	if !errors.Is(err, sources.ErrNothingPublished) || !strings.Contains(err.Error(), hmt.Collection) {
		t.Fatalf("err = %v", err)
	}
}

// TestLoadReal is the conformance test on a real release, when ../shared/reference holds one
// (any GDP_Deflators*.xlsx under it).
func TestLoadReal(t *testing.T) {
	ref, ok := config.ReferenceDir(filepath.Join("..", ".."))
	if !ok {
		t.Skip("../shared/reference is absent (set CORNERSTONE_REFERENCE): skipping the conformance test on a real HM Treasury deflators workbook")
	}
	var found []string
	filepath.WalkDir(ref, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasPrefix(strings.ToLower(d.Name()), "gdp_deflators") && strings.HasSuffix(strings.ToLower(d.Name()), ".xlsx") {
			found = append(found, p)
		}
		return nil
	})
	if len(found) == 0 {
		t.Skip("../shared/reference holds no GDP_Deflators*.xlsx: skipping the conformance test on a real HM Treasury deflators workbook")
	}
	for _, f := range found {
		tab, err := read(t, f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if len(tab.Rows) < 50 || tab.BaseYear == "" {
			t.Errorf("%s: %d years, base %q", f, len(tab.Rows), tab.BaseYear)
		}
		sourcestest.TestLoad(t, hmt.Deflators{}, f, sources.Options{})
	}
}

// FuzzLoad feeds arbitrary bytes named as the release workbook through the real ingest driver.
func FuzzLoad(f *testing.F) {
	var seeds [][]byte
	if s, err := demo.Generate(); err == nil {
		if file, ok := s.Find(demo.DeflatorsFile); ok {
			seeds = append(seeds, file.Body)
		}
	}
	sourcestest.Fuzz(f, hmt.Deflators{}, demo.DeflatorsFile, sources.Options{}, seeds...)
}

// FuzzLoadCSV feeds arbitrary text named as the release CSV through the real ingest driver.
func FuzzLoadCSV(f *testing.F) {
	seeds := [][]byte{
		[]byte("GDP deflators\n,Financial year,GDP deflator (2023-24 = 100),per cent change on previous year,Money GDP (£ million)\n,2023-24,100,3.1,2700000\n,2024-25 (1),102,2,2800000\n(1) Forecast\n"),
		[]byte("Financial year,GDP deflator\nForecast\n2023-24,100\n"),
	}
	if s, err := demo.Generate(); err == nil {
		if file, ok := s.Find(csvFile); ok {
			seeds = append(seeds, file.Body)
		}
	}
	sourcestest.Fuzz(f, hmt.Deflators{}, csvFile, sources.Options{}, seeds...)
}

// FuzzReadDeflators feeds arbitrary CSV text straight to the reader (thousands of inputs a second,
// where the ingest-driver fuzz targets run a few): it may fail, never panic, and a table it returns
// has a base year, rows, unique years and positive deflators.
func FuzzReadDeflators(f *testing.F) {
	f.Add([]byte("GDP deflators September 2025\n,Financial year,GDP deflator (2023-24 = 100),per cent change on previous year,Money GDP (£ million),,Calendar year\n,2023-24,100,3.1,2700000,,2023\n,2024-25 (1),102,2,2800000\n(1) Forecast\n"))
	f.Add([]byte("Financial year,GDP deflator,Outturn/forecast\nForecast\n2023-24,100,F\nForecasts 2023-24 to 2024-25\nbase year 2023-24\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "f.csv")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		wb, err := sheets.Open(path)
		if err != nil {
			return
		}
		defer wb.Close()
		tab, err := hmt.ReadDeflators(context.Background(), wb, "f.csv")
		if err != nil {
			return
		}
		if tab.BaseYear == "" || len(tab.Rows) == 0 {
			t.Fatalf("table without base year or rows: %+v", tab)
		}
		seen := map[string]bool{}
		for _, r := range tab.Rows {
			if seen[r.FinancialYear] || r.Deflator != nil && *r.Deflator <= 0 {
				t.Fatalf("bad row %+v", r)
			}
			seen[r.FinancialYear] = true
		}
	})
}

func FuzzParseFinancialYear(f *testing.F) {
	for _, s := range []string{"2023-24", "2025-26 (1), (2)", "2023/2024", "2025-26²", "1999-00 [note 1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		fy, _, ok := hmt.ParseFinancialYear(s)
		if ok {
			if again, _, ok2 := hmt.ParseFinancialYear(fy); !ok2 || again != fy {
				t.Fatalf("%q -> %q does not parse to itself", s, fy)
			}
		}
	})
}
