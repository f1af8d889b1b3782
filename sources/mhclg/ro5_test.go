package mhclg

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/internal/sheets/sheetstest"
	"github.com/cornerstone-data/cornerstone/sources"
)

// fixtureLayouts are the RO5 layouts with the format each was published in.
var fixtureLayouts = []struct {
	name, layout, format, year string
	split                      bool
}{
	{"flat 2024-25 ods", demo.RO5Flat, "ods", "2024-25", true},
	{"two-level 2018-19 ods", demo.RO5TwoLevel, "ods", "2018-19", false},
	{"two-level 2017-18 xlsx", demo.RO5TwoLevel, "xlsx", "2017-18", false},
	{"three-sheet 2013-14 xls", demo.RO5ThreeSheet, "xls", "2013-14", false},
}

// fixtureAuthorities are the fixture rows: a unitary, a London borough (prefixed "L" in older
// files), a shire district whose return is blank (not submitted), and a county.
var fixtureAuthorities = []struct{ ecode, ons, name, class string }{
	{"E0701", "E06000001", "Hartlepool", "UA"},
	{"E5011", "E09000007", "Camden", "L"},
	{"E3132", "E07000178", "Oxford", "SD"},
	{"E3120", "E10000025", "Oxfordshire", "SC"},
}

// fixtureMarkers are cells holding markers: authority index, service index, measure index.
var fixtureMarkers = map[[3]int]any{
	{0, 0, 1}:  "[x]",
	{1, 2, 0}:  "..",
	{1, 3, 4}:  "-",
	{3, 1, 2}:  "[c]",
	{3, 13, 6}: sheetstest.Err("#N/A"),
}

var markerReasons = map[string]string{
	"[x]": "not available [x]", "..": "unknown (..)", "-": "nil or not reported (-)", "[c]": "confidential [c]", "#N/A": "error cell #N/A",
}

// fixtureValue is the value written in a cell: distinct for every authority, service and measure,
// with a fraction so a value read from the wrong column or rounded shows.
func fixtureValue(a, s, m int) float64 { return float64(10000*(a+1)+100*s+m) + 0.25 }

// writeFixture writes an RO5 workbook in a layout from the real header lists and returns its path
// and the services in column order.
func writeFixture(t testing.TB, dir, layout, format, year string, split bool, rename map[string]string) (string, []demo.RO5Service) {
	t.Helper()
	services := demo.RO5Services(split)
	b := demo.RO5Book{Year: year, Layout: layout, Rename: rename}
	for _, s := range services {
		if layout == demo.RO5Flat || s.Bare == "" {
			b.Services = append(b.Services, s.Prefixed)
		} else {
			b.Services = append(b.Services, s.Bare)
		}
	}
	n := b.Measures()
	for ai, a := range fixtureAuthorities {
		row := demo.RO5Row{ECode: a.ecode, ONS: a.ons, Name: a.name, Class: a.class, Cells: map[string][]any{}}
		if a.ecode != "E3132" {
			for si, s := range b.Services {
				cells := make([]any, n)
				for m := range cells {
					cells[m] = fixtureValue(ai, si, m)
					if v, ok := fixtureMarkers[[3]int{ai, si, m}]; ok {
						if _, isErr := v.(sheetstest.Err); !isErr || format != "xlsx" {
							cells[m] = v
						}
					}
				}
				row.Cells[s] = cells
			}
		}
		b.Rows = append(b.Rows, row)
	}
	if layout == demo.RO5Flat {
		b.Repeat = []string{"E5011"}
	}
	body, err := b.Bytes(format)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, fmt.Sprintf("RO5_%s_data_by_LA.%s", year, format))
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, services
}

func TestRO5LayoutsCellByCell(t *testing.T) {
	for _, l := range fixtureLayouts {
		t.Run(l.name, func(t *testing.T) {
			path, services := writeFixture(t, t.TempDir(), l.layout, l.format, l.year, l.split, nil)
			b, err := openRO5(path, filepath.Base(path))
			if err != nil {
				t.Fatal(err)
			}
			if b.layout != l.layout || b.fy != l.year {
				t.Fatalf("layout %q year %q, want %q %q", b.layout, b.fy, l.layout, l.year)
			}
			nMeasures := 7
			if l.layout == demo.RO5ThreeSheet {
				nMeasures = 9
			}
			type key struct {
				ecode, line string
				svc, code   string
			}
			got := map[key]ro5Record{}
			err = b.stream(context.Background(), func(r ro5Record) error {
				k := key{r.ECode, r.Line, r.Service, r.Code}
				if _, dup := got[k]; dup {
					t.Errorf("%v emitted twice (row %d)", k, r.Row)
				}
				got[k] = r
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if want := len(fixtureAuthorities) * len(services) * nMeasures; len(got) != want {
				t.Fatalf("%d values, want %d (authorities x services x measures)", len(got), want)
			}
			for ai, a := range fixtureAuthorities {
				for si, s := range services {
					text := s.Prefixed
					if l.layout != demo.RO5Flat && s.Bare != "" {
						text = s.Bare
					}
					for m := 0; m < nMeasures; m++ {
						code := fmt.Sprintf("C%d", m+1)
						r, ok := got[key{a.ecode, s.Key, norm(text), code}]
						if !ok {
							t.Errorf("%s %s %s: no value", a.name, text, code)
							continue
						}
						where := fmt.Sprintf("%s %s %s (sheet %q row %d col %d)", a.name, text, code, r.Sheet, r.Row, r.Col)
						wantONS := a.ons
						if l.layout == demo.RO5ThreeSheet {
							wantONS = ""
						}
						if r.ONSCode != wantONS || r.Name != a.name || r.Class != a.class {
							t.Errorf("%s: identity %q %q %q", where, r.ONSCode, r.Name, r.Class)
						}
						if a.ecode == "E3132" {
							if r.Status != "not submitted" || r.Amount.Valid || r.Amount.Reason != "not submitted" {
								t.Errorf("%s: %+v, want NULL not submitted", where, r)
							}
							continue
						}
						if r.Status != "submitted" {
							t.Errorf("%s: status %q", where, r.Status)
						}
						marker, isMarker := fixtureMarkers[[3]int{ai, si, m}]
						if _, isErr := marker.(sheetstest.Err); isErr && l.format == "xlsx" {
							isMarker = false
						}
						if isMarker {
							reason := markerReasons[fmt.Sprint(marker)]
							if r.Amount.Valid || r.Amount.Reason != reason {
								t.Errorf("%s: %+v, want NULL %q", where, r.Amount, reason)
							}
							continue
						}
						if want := fixtureValue(ai, si, m); !r.Amount.Valid || r.Amount.Value != want {
							t.Errorf("%s: %+v, want %v", where, r.Amount, want)
						}
					}
				}
			}
		})
	}
}

func TestRO5FlatHeaderPositionsMatchThePublishedFile(t *testing.T) {
	// ../shared/reference: 2024-25 "Library service - Total Expenditure (C3 = C1 + C2)" is column 93,
	// 2018-19 "Library service | Total Expenditure" column 84, 2013-14 sheet (1) column 51.
	for _, c := range []struct {
		layout, format, year string
		split                bool
		sheet                int
		col                  int
	}{{demo.RO5Flat, "ods", "2024-25", true, 0, 93}, {demo.RO5TwoLevel, "ods", "2018-19", false, 0, 84}, {demo.RO5ThreeSheet, "xls", "2013-14", false, 0, 51}} {
		path, _ := writeFixture(t, t.TempDir(), c.layout, c.format, c.year, c.split, nil)
		b, err := openRO5(path, filepath.Base(path))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, col := range b.tables[c.sheet].cols {
			if col.line == "library" && col.code == "C3" {
				found = col.idx == c.col
				if !found {
					t.Errorf("%s: Library C3 in column %d, the published file has it in %d", c.year, col.idx, c.col)
				}
			}
		}
		if !found {
			t.Errorf("%s: Library C3 not at %d", c.year, c.col)
		}
	}
}

func TestRO5RenamedHeaderFailsNamingTheHeader(t *testing.T) {
	cases := []struct {
		layout, format, year string
		split                bool
		rename               map[string]string
		expected             string
	}{
		{demo.RO5Flat, "ods", "2024-25", true,
			map[string]string{"Culture and heritage - Museums and galleries - Running Expenses (C2)": "Culture and heritage - Museum and galleries - Running Expenses (C2)"},
			"Culture and heritage - Museums and galleries - Running Expenses (C2)"},
		{demo.RO5TwoLevel, "ods", "2018-19", false, map[string]string{"Library service": "Libraries"}, "Library service / Employees (C1)"},
		{demo.RO5ThreeSheet, "xls", "2013-14", false, map[string]string{"Archives": "Archive services"}, "Archives / Employees (C1)"},
	}
	for _, c := range cases {
		path, _ := writeFixture(t, t.TempDir(), c.layout, c.format, c.year, c.split, c.rename)
		_, err := openRO5(path, filepath.Base(path))
		var le *sources.LayoutError
		if !errors.As(err, &le) || !errors.Is(err, sources.ErrLayout) {
			t.Fatalf("%s: err = %v, want a layout error", c.year, err)
		}
		if le.File != filepath.Base(path) || le.Sheet == "" || le.Expected != c.expected || len(le.Nearest) == 0 {
			t.Errorf("%s: %#v", c.year, le)
		}
		msg := err.Error()
		t.Log(msg)
		if !strings.Contains(msg, filepath.Base(path)) || !strings.Contains(msg, "nearest headers found") {
			t.Errorf("%s: message %q", c.year, msg)
		}
	}
}

func TestFlatMeasureNeverSplitsServiceNames(t *testing.T) {
	for h, want := range map[string][2]string{
		"Culture and heritage - Archives - Employees (C1)":                                    {"Culture and heritage - Archives", "C1"},
		"Recreation and sport - Foreshore - Net Current Expenditure (C7 = C3 - C6)":           {"Recreation and sport - Foreshore", "C7"},
		"Street cleansing (not chargeable to Highways) - Total Income (C6 = C4 + C5)":         {"Street cleansing (not chargeable to Highways)", "C6"},
		"TOTAL CULTURAL, ENVIRONMENTAL, REGULATORY AND PLANNING SERVICES - Other Income (C5)": {"TOTAL CULTURAL, ENVIRONMENTAL, REGULATORY AND PLANNING SERVICES", "C5"},
		"Library service -  Total Expenditure\n(C3 = C1 + C2)":                                {"Library service", "C3"},
	} {
		svc, _, code, ok := flatMeasure(h)
		if !ok || svc != want[0] || code != want[1] {
			t.Errorf("%q: %q %q %v", h, svc, code, ok)
		}
	}
	if _, _, _, ok := flatMeasure("Culture and heritage - Archives"); ok {
		t.Error("a service name alone read as a measure")
	}
}

func TestFinancialYear(t *testing.T) {
	for in, want := range map[string]string{
		"RO5_LA_Data_202425":                 "2024-25",
		"RO5 LA Data 2013-14 (1)":            "2013-14",
		"england-2024-to-2025-first-release": "2024-25",
		"2010/11":                            "2010-11",
		"updated 2025-11-27":                 "",
		"202503":                             "",
		"RA_2026-27_data_Part_1.ods":         "2026-27",
	} {
		if got := FinancialYear(in); got != want {
			t.Errorf("FinancialYear(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestFromFileVintageIsToldOrRefused: an RO5 or RA workbook does not say which release of its year
// it is, so a --from file without --vintage is refused with an error naming --vintage (no vintage
// is made up from the file's hash); a time series names its version, which is its vintage.
func TestFromFileVintageIsToldOrRefused(t *testing.T) {
	ro5, _ := writeFixture(t, t.TempDir(), demo.RO5Flat, "ods", "2024-25", true, nil)
	ts := writeFile(t, "Revenue_Outturn_time_series_data_v3.1.csv", tsHeader+"202503,E06000001,Hartlepool,UA,submitted,1,2,3\r\n")
	for _, c := range []struct {
		src        sources.Identifier
		path       string
		vintage    string // given with --vintage
		want, fail string
	}{
		{Outturn{}, ro5, "", "", "RO5_2024-25_data_by_LA.ods: the file does not say which release of ro5-2024-25 it is"},
		{Outturn{}, ro5, "2025-11-27-outturn", "ro5-2024-25@2025-11-27-outturn", ""},
		{Outturn{}, ts, "", "ro-time-series@v3.1", ""},
	} {
		rel := sources.Release{Vintage: c.vintage}
		err := c.src.Identify(context.Background(), &rel, []sources.Fetched{{Asset: sources.Asset{Name: filepath.Base(c.path)}, Path: c.path, SHA256: strings.Repeat("ab", 32)}})
		if c.fail != "" {
			if !errors.Is(err, sources.ErrNoVintage) || !strings.Contains(err.Error(), c.fail) || !strings.Contains(err.Error(), "--vintage") {
				t.Errorf("%s: err = %v, want ErrNoVintage naming the file and --vintage", c.path, err)
			}
			continue
		}
		if err != nil || rel.Key() != c.want {
			t.Errorf("%s: %s, %v; want %s", c.path, rel.Key(), err, c.want)
		}
	}
}

// ro5Regulatory are environmental and regulatory lines of the 2024-25 form that sit between the
// cultural total and street cleansing in the published workbook (about 21 seven-column blocks:
// street cleansing's C3 is column 255). Cornerstone keeps none of them; their short headers
// ("Water safety - Employees (C1)") are what whole-header edit distance suggested for a renamed
// open-spaces header.
var ro5Regulatory = []string{"Cemetery, cremation and mortuary services", "Community safety (crime reduction)",
	"Community safety (safety services)", "Community safety (CCTV)", "Defences against flooding", "Land drainage and related work",
	"Coast protection", "Trading standards", "Water safety", "Food safety", "Environmental protection; noise and nuisance",
	"Housing standards", "Health and safety", "Port health", "Pest control", "Public conveniences",
	"Animal and public health; infectious disease", "Licensing - Alcohol and entertainment licensing; taxi licensing",
	"Licensing - other", "Crime reduction", "Agricultural and fisheries services"}

// TestRO5NearMissSuggestsTheRenamedHeaderFirst renames RO5 headers in the real 2024-25 and 2018-19
// layouts (the 2024-25 one with its environmental and regulatory lines): the header renamed comes
// first among the suggestions, and headers of other lines do not appear.
func TestRO5NearMissSuggestsTheRenamedHeaderFirst(t *testing.T) {
	const parks = "Open spaces - Parks and open spaces"
	renameParks := func(to string, all bool) map[string]string {
		r := map[string]string{}
		for i, m := range demo.RO5MeasureHeaders[:7] {
			if all || i == 0 {
				r[parks+" - "+m] = to + " - " + m
			}
		}
		return r
	}
	cases := []struct {
		name, layout, year string
		rename             map[string]string
		first              string
	}{
		{"one header's service", demo.RO5Flat, "2024-25", renameParks("Parks and green spaces", false), "Parks and green spaces - Employees (C1)"},
		{"one header's service, & for and", demo.RO5Flat, "2024-25", renameParks("Parks & open spaces", false), "Parks & open spaces - Employees (C1)"},
		{"every header of the line", demo.RO5Flat, "2024-25", renameParks("Parks", true), "Parks - Employees (C1)"},
		{"the measure", demo.RO5Flat, "2024-25", map[string]string{parks + " - Employees (C1)": parks + " - Employee costs (C1)"}, parks + " - Employee costs (C1)"},
		{"two-level service", demo.RO5TwoLevel, "2018-19", map[string]string{"Library service": "Libraries"}, "Libraries / Employees (C1)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := demo.RO5Book{Year: c.year, Layout: c.layout, Rename: c.rename,
				Rows: []demo.RO5Row{{ECode: "E0101", ONS: "E06000001", Name: "Hartlepool", Class: "UA", Cells: map[string][]any{}}}}
			for _, s := range demo.RO5Services(c.layout == demo.RO5Flat) {
				text := s.Prefixed
				if c.layout != demo.RO5Flat && s.Bare != "" {
					text = s.Bare
				}
				b.Services = append(b.Services, text)
				if s.Key == "total_cultural" && c.layout == demo.RO5Flat {
					b.Services = append(b.Services, ro5Regulatory...)
				}
			}
			body, err := b.Bytes("ods")
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "RO5_"+c.year+".ods")
			if err := os.WriteFile(path, body, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err = openRO5(path, filepath.Base(path))
			var le *sources.LayoutError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a layout error", err)
			}
			if len(le.Nearest) == 0 || le.Nearest[0] != c.first {
				t.Fatalf("expected %q, suggestions %q, want %q first", le.Expected, le.Nearest, c.first)
			}
			for _, n := range le.Nearest {
				for _, other := range append([]string{"Water safety", "Port health", "Allotments", "TOTAL", "Defences"}, ro5Regulatory...) {
					if strings.Contains(n, other) {
						t.Errorf("unrelated suggestion %q in %q", n, le.Nearest)
					}
				}
			}
		})
	}
}
