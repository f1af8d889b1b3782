package sources_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/sources"
)

func cells(texts ...string) []sheets.Cell {
	out := make([]sheets.Cell, len(texts))
	for i, t := range texts {
		out[i] = sheets.Cell{Kind: sheets.String, Value: t}
		if t == "" {
			out[i].Kind = sheets.Empty
		}
	}
	return out
}

func TestNearest(t *testing.T) {
	for _, tc := range []struct {
		want  string
		cands []string
		got   []string
	}{
		{"Type", []string{"Library type", "Address 1", "Typo"}, []string{"Typo", "Library type"}},
		{"Year opened", []string{"Year Opened (approx)", "Statutory in 2023"}, []string{"Year Opened (approx)"}},
		{"Coverage", []string{"Coverage type", "Museum Name"}, []string{"Coverage type"}},
		{"Name", []string{"Forenames given", "Museum Names"}, []string{}}, // not whole words
		{"Reporting service", []string{"Service"}, []string{"Service"}},   // a word dropped
		{"ab", []string{"ab cdef"}, []string{}},                           // too short to contain
	} {
		if got := sources.Nearest(tc.want, tc.cands, 3); !slices.Equal(got, tc.got) {
			t.Errorf("Nearest(%q, %q) = %q, want %q", tc.want, tc.cands, got, tc.got)
		}
	}
}

func findHeader(t *testing.T, csv string, want ...string) error {
	t.Helper()
	path := filepath.Join(t.TempDir(), "f.csv")
	if err := os.WriteFile(path, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	wb, err := sheets.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	rows, err := wb.Rows(wb.Sheets()[0])
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	_, _, err = sheets.FindHeader(rows, 5, want...)
	if !errors.Is(err, sheets.ErrHeaderNotFound) {
		t.Fatalf("FindHeader: %v, want ErrHeaderNotFound", err)
	}
	return err
}

func TestHeaderLayoutError(t *testing.T) {
	for _, tc := range []struct{ csv, msg string }{
		{"Title\nReporting service,Name,Library type\nA,B,C\n",
			`f.csv: header "Type" not found (row 2, the closest to the header); nearest headers found: ["Library type"]`},
		{"Reporting service,Address\n",
			`f.csv: header "Name" not found (row 1, the closest to the header); row 1 also lacks ["Type"]`},
		{"Service,Kind\n",
			`f.csv: header "Reporting service" not found; nearest headers found: ["Service"]; no row in the first 5 rows holds any of ["Reporting service" "Name" "Type"]`},
		{"", `f.csv: header "Reporting service" not found; the sheet has no rows`},
	} {
		herr := findHeader(t, tc.csv, "Reporting service", "Name", "Type")
		err := sources.HeaderLayoutError("f.csv", herr)
		var le *sources.LayoutError
		if !errors.As(err, &le) || !errors.Is(err, sources.ErrLayout) || !errors.Is(err, sheets.ErrHeaderNotFound) {
			t.Errorf("%q: %v is not a layout error wrapping the header error", tc.csv, err)
		}
		if err.Error() != tc.msg {
			t.Errorf("%q:\n got %s\nwant %s", tc.csv, err, tc.msg)
		}
	}
	other := errors.New("disk on fire")
	if err := sources.HeaderLayoutError("f.csv", other); err != other {
		t.Errorf("another error became %v", err)
	}
}

func TestCloserHeader(t *testing.T) {
	none := findHeader(t, "x,y\n", "A", "B", "C")
	one := findHeader(t, "A,y\n", "A", "B", "C")
	two := findHeader(t, "A,B\n", "A", "B", "C")
	empty := findHeader(t, "", "A", "B", "C")
	for _, tc := range []struct{ a, b, want error }{
		{nil, one, one}, {one, nil, one}, {one, two, two}, {two, one, two}, {none, empty, none}, {empty, none, none},
		{one, errors.New("other"), one},
	} {
		if got := sources.CloserHeader(tc.a, tc.b); got != tc.want {
			t.Errorf("CloserHeader(%v, %v) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestMissingOptional(t *testing.T) {
	header := cells("Name", "Type", "Year Opened (approx)", "", "Year closed", "Hours")
	cols, err := sources.MatchColumns("f.xlsx", "data", header, []string{"Name", "Type"},
		[]string{"Year opened", "Year closed", "Automated", "Comments"})
	if err != nil {
		t.Fatal(err)
	}
	got := sources.MissingOptional("f.xlsx", "data", header, cols, "Comments")
	want := []string{
		`f.xlsx sheet "data": optional column "Comments" not found, loaded as empty; files of this layout have it`,
		`f.xlsx sheet "data": optional column "Year opened" not found, loaded as empty; nearest header found: "Year Opened (approx)"`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("MissingOptional =\n%q\nwant\n%q", got, want)
	}
	// Year closed is matched, so it is never offered as the nearest header of Year opened.
	header = cells("Name", "Type", "Year closed")
	cols, _ = sources.MatchColumns("f.csv", "", header, []string{"Name"}, []string{"Year opened", "Year closed"})
	if got := sources.MissingOptional("f.csv", "", header, cols); len(got) != 0 {
		t.Errorf("MissingOptional = %q, want none", got)
	}
}

// A header the reader needs that appears twice fails naming both columns; duplicates of headers it
// does not read, and blank headers, are harmless.
func TestMatchColumnsRefusesDuplicates(t *testing.T) {
	header := cells("Name", "Type", "Notes", "", "", "Notes", "Name ")
	_, err := sources.MatchColumns("libs.csv", "", header, []string{"Name", "Type"}, nil)
	var de *sources.DuplicateColumnError
	if !errors.As(err, &de) || !errors.Is(err, sources.ErrLayout) || sources.Reason(err) != sources.ReasonLayout ||
		err.Error() != `libs.csv: header "Name" appears in two columns, A and G: which one holds the figures cannot be told` {
		t.Errorf("duplicate Name: %v", err)
	}
	cols, err := sources.MatchColumns("libs.csv", "", header[:6], []string{"Name", "Type"}, []string{"Year"})
	if err != nil || cols["Name"] != 0 || cols["Type"] != 1 || cols["Year"] != -1 {
		t.Errorf("unread duplicates: %v %v", cols, err)
	}
}
