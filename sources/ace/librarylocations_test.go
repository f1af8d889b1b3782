package ace

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
)

// locationsFixture writes a CSV in the real layout (all 63 headers in published order).
func locationsFixture(t testing.TB, rows ...map[string]string) string {
	t.Helper()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(demo.LibraryLocationHeaders)
	for _, r := range rows {
		rec := make([]string, len(demo.LibraryLocationHeaders))
		for h, v := range r {
			i := -1
			for j, x := range demo.LibraryLocationHeaders {
				if x == h {
					i = j
				}
			}
			if i < 0 {
				t.Fatalf("fixture: no header %q in the real layout", h)
			}
			rec[i] = v
		}
		w.Write(rec)
	}
	w.Flush()
	path := filepath.Join(t.TempDir(), "basic-dataset-for-libraries-2023-enhanced.csv")
	if err := os.WriteFile(path, append([]byte("\ufeff"), buf.Bytes()...), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func readLocationsFile(t testing.TB, path string) (int, []librarySite, error) {
	t.Helper()
	wb, err := sheets.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	var out []librarySite
	note := func(notes ...string) {
		for _, n := range notes {
			t.Errorf("%s: unexpected note: %s", path, n)
		}
	}
	y, err := readLocations(context.Background(), wb, filepath.Base(path), note, func(s librarySite) error {
		out = append(out, s)
		return nil
	})
	return y, out, err
}

func TestLocationsFixtureCellByCell(t *testing.T) {
	path := locationsFixture(t,
		map[string]string{"Reporting service": "Barnsley Metropolitan Borough Council", "Reporting service code": "E08000016",
			"Name": "Cudworth", "Type": "Static Library", "Postcode": "S72 8UQ", "Unique property reference number": "0012345",
			"Easting": "438545.38", "Northing": "409068.79", "Longitude": "-1.4193452", "Latitude": "53.5768238",
			"Upper tier local authority": "Barnsley", "Statutory in 2010": "Yes", "Statutory in 2023": "yes", "Operation in 2023": "LA",
			"Year opened": "2006", "Co-located": "Yes", "Co-located community": "X", "Co-located health": "X",
			"Co-located other text": "Creche", "Monday opening times": "All Day (continuous)", "Sunday opening times": "Closed",
			"Hours open per week": "44.5", "Staffed hours per week": "44.5", "Automated": "No", "Index of multiple deprivation decile": "3"},
		map[string]string{"Reporting service": "North Yorkshire County Council", "Reporting service code": "E10000023",
			"Name": "Selby Road", "Type": "Mobile Library", "Statutory in 2010": "No", "Year closed": "2019"},
	)
	latest, sites, err := readLocationsFile(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if latest != 2023 || len(sites) != 2 {
		t.Fatalf("latest %d, %d sites", latest, len(sites))
	}
	s := sites[0]
	want := []any{"Barnsley Metropolitan Borough Council", "E08000016", "Cudworth", "Static Library", nil, nil, nil, "S72 8UQ", "0012345",
		438545.38, 409068.79, -1.4193452, 53.5768238, "Barnsley", int64(2006), nil, nil, nil, "Yes", "community; health", "Creche",
		"Monday: All Day (continuous); Sunday: Closed", 44.5, 44.5, "No", nil, nil, int64(3)}
	if len(s.values) != len(LibrarySitesTable.Columns) || len(want) != len(s.values) {
		t.Fatalf("%d values for %d columns", len(s.values), len(LibrarySitesTable.Columns))
	}
	for i := range want {
		if s.values[i] != want[i] {
			t.Errorf("%s = %#v, want %#v", LibrarySitesTable.Columns[i].Name, s.values[i], want[i])
		}
	}
	if s.row != 2 || len(s.years) != 2 || s.years[0] != (siteYear{2010, "Yes", ""}) || s.years[1] != (siteYear{2023, "yes", "LA"}) {
		t.Errorf("row %d years %+v", s.row, s.years)
	}
	if n := sites[1]; n.values[15] != int64(2019) || n.values[14] != nil || len(n.years) != 1 {
		t.Errorf("closed library: %+v", n)
	}
}

func TestLocationsBadCellNamesIt(t *testing.T) {
	path := locationsFixture(t, map[string]string{"Reporting service": "A", "Name": "B", "Type": "Static Library", "Easting": "434367E"},
		map[string]string{"Reporting service": "A", "Name": "C", "Type": "Static Library", "Year opened": "1975.5"})
	_, _, err := readLocationsFile(t, path)
	var ce *sheets.CellError
	if !errors.As(err, &ce) || ce.Row != 2 || ce.Col != 9 || !strings.Contains(err.Error(), "cell J2") {
		t.Fatalf("err = %v", err)
	}
}

func TestLocationsMissingHeader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "l.csv")
	os.WriteFile(path, []byte("Reporting service,Name,Type,Remarks\nA,B,C,1\n"), 0o644)
	_, _, err := readLocationsFile(t, path)
	if !errors.Is(err, sources.ErrLayout) || !strings.Contains(err.Error(), "Statutory in YYYY") {
		t.Fatalf("err = %v", err)
	}
}

// TestLocationsRenamedColumns checks the messages for a renamed or dropped column: a required one
// fails naming the file, the row and the header with the nearest one found; an optional one loads
// as empty with a note naming the header found instead.
func TestLocationsRenamedColumns(t *testing.T) {
	site := map[string]string{"Reporting service": "A", "Name": "B", "Type": "Static Library", "Statutory in 2023": "Yes", "Year opened": "1975"}
	rewrite := func(t *testing.T, from, to string) string {
		path := locationsFixture(t, site)
		b, _ := os.ReadFile(path)
		b = bytes.Replace(b, []byte(from), []byte(to), 1)
		os.WriteFile(path, b, 0o644)
		return path
	}
	read := func(path string) ([]librarySite, []string, error) {
		wb, err := sheets.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer wb.Close()
		var sites []librarySite
		var notes []string
		_, err = readLocations(context.Background(), wb, filepath.Base(path), func(n ...string) { notes = append(notes, n...) },
			func(s librarySite) error { sites = append(sites, s); return nil })
		return sites, notes, err
	}
	for _, tc := range []struct{ from, to, want string }{
		{`,Type,`, `,Library type,`, `basic-dataset-for-libraries-2023-enhanced.csv: header "Type" not found (row 1, the closest to the header); nearest headers found: ["Library type"]`},
		{`,Name,`, `,`, `basic-dataset-for-libraries-2023-enhanced.csv: header "Name" not found (row 1, the closest to the header)`},
		{`,Name,Type,`, `,`, `header "Name" not found (row 1, the closest to the header); row 1 also lacks ["Type"]`},
		{`Reporting service,Reporting service code,Name,Type,`, `Service,Code,`, `basic-dataset-for-libraries-2023-enhanced.csv: header "Reporting service" not found; nearest headers found: ["Service"]; no row in the first 10 rows holds any of ["Reporting service" "Name" "Type"]`},
	} {
		_, _, err := read(rewrite(t, tc.from, tc.to))
		var le *sources.LayoutError
		if !errors.As(err, &le) || !errors.Is(err, sheets.ErrHeaderNotFound) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s -> %s: err =\n%v\nwant a layout error containing\n%s", tc.from, tc.to, err, tc.want)
		}
	}

	sites, notes, err := read(rewrite(t, `,Year opened,`, `,Year Opened (approx),`))
	if err != nil || len(sites) != 1 {
		t.Fatalf("renamed optional column: %d sites, err %v", len(sites), err)
	}
	if sites[0].values[14] != nil {
		t.Errorf("Year opened = %#v, want NULL", sites[0].values[14])
	}
	want := `basic-dataset-for-libraries-2023-enhanced.csv: optional column "Year opened" not found, loaded as empty; nearest header found: "Year Opened (approx)"`
	if len(notes) != 1 || notes[0] != want {
		t.Errorf("notes %q, want [%q]", notes, want)
	}

	// A dropped optional column that nothing resembles loads silently: releases differ.
	if _, notes, err := read(rewrite(t, `,Automated,`, `,`)); err != nil || len(notes) != 0 {
		t.Errorf("dropped Automated column: notes %q, err %v", notes, err)
	}
}

// TestLocationsRealCSV reads the real 2023 location dataset (enhanced CSV).
func TestLocationsRealCSV(t *testing.T) {
	ref, ok := config.ReferenceDir(filepath.Join("..", ".."))
	if !ok {
		t.Skip("../shared/reference is absent (set CORNERSTONE_REFERENCE): skipping the conformance test on the real location dataset")
	}
	path := filepath.Join(ref, "libraries", "basic-dataset-for-libraries-2023-enhanced.csv")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	head, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).Read()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(head, "|") != strings.Join(demo.LibraryLocationHeaders, "|") {
		t.Fatalf("the fixture layout differs from the real header:\n%q", head)
	}
	latest, sites, err := readLocationsFile(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if latest != 2023 || len(sites) != 3539 {
		t.Fatalf("latest %d, %d sites", latest, len(sites))
	}
	central := sites[1] // "Barnsley …","Central","Static Library",…,"1975","2014"
	if central.values[2] != "Central" || central.values[14] != int64(1975) || central.values[15] != int64(2014) || central.values[8] != "2007022988" {
		t.Errorf("Barnsley Central: %#v", central.values)
	}
}

func TestDiscoverThroughTheDemoSite(t *testing.T) {
	sample, err := demo.Generate()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sample.Handler())
	defer srv.Close()
	fc, err := fetch.New(fetch.Spec{Mirror: srv.URL, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	env := &sources.Env{Fetch: fc}
	rels, err := LibraryActivity{}.Discover(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	if len(rels) != 1 || rels[0].Vintage != "2023-24" || rels[0].Dataset != LibraryActivityDataset ||
		rels[0].Assets[0].URL != "https://www.artscouncil.org.uk/sites/default/files/2024-12/Libraries%20Activity%20Data%202023-24%20FINAL.xlsx" ||
		rels[0].Assets[0].Name != "Libraries Activity Data 2023-24 FINAL.xlsx" || rels[0].Assets[0].Kind != fetch.KindXLSX ||
		rels[0].PageURL != demo.ACELibrariesDataPage {
		t.Fatalf("activity releases: %+v", rels)
	}
	rels, err = LibraryLocations{}.Discover(context.Background(), env)
	if err != nil {
		t.Fatal(err)
	}
	if len(rels) != 1 || rels[0].Vintage != "2023" || rels[0].Assets[0].Kind != fetch.KindCSV {
		t.Fatalf("location releases: %+v", rels)
	}

	// A page without the files is an error naming the pages read.
	fc2, _ := fetch.New(fetch.Spec{Mirror: srv.URL + "/nothing", Retries: -1})
	if _, err := (LibraryActivity{}).Discover(context.Background(), &sources.Env{Fetch: fc2}); err == nil {
		t.Fatal("discovery on a missing page succeeded")
	}
}

func TestLibraryDataLinksNoMatchIsAnError(t *testing.T) {
	sample, _ := demo.Generate()
	srv := httptest.NewServer(sample.Handler())
	defer srv.Close()
	fc, _ := fetch.New(fetch.Spec{Mirror: srv.URL, Retries: -1})
	_, err := libraryDataLinks(context.Background(), &sources.Env{Fetch: fc}, func(pageLink) bool { return false })
	if !errors.Is(err, sources.ErrNothingPublished) || !strings.Contains(err.Error(), demo.ACELibrariesDataPage) {
		t.Fatalf("err = %v", err)
	}
}

func FuzzReadLocations(f *testing.F) {
	h := strings.Join(demo.LibraryLocationHeaders[:16], ",") + "\n"
	f.Add([]byte(h + "A,E1,B,Static Library,,,,,,1,2,3,4,A,Yes,No\n"))
	f.Add([]byte(h + "A,,B,,,,,,,x,,,,,,\n,,,\n"))
	f.Add([]byte("Reporting service,Name,Type,Statutory in 2023,Operation in 2023,Co-located x,Monday opening times\nA,B,C,Yes,LA,X,9-5\n"))
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
		_, _ = readLocations(context.Background(), wb, "f.csv", nil, func(librarySite) error { return nil })
	})
}
