package mhclg

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/sources"
)

func writeRA(t testing.TB, lines []demo.RALine, rows [][]any) string {
	t.Helper()
	body, err := demo.ODS(demo.RABook("2025-26", lines, rows)...)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "RA_2025-26_data_Part_1.ods")
	if err := os.WriteFile(p, body, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRACellByCell(t *testing.T) {
	rows := [][]any{
		{"", "E92000001", "ENGLAND", "", "", 1, 1, 1, 1, 1, 1, 1, 1, 1},
		{"E0701", "E06000001", "Hartlepool", "UA", "", 5.5, 6, 100, 200, 300, 400, 50, 600, 1650},
		{"E0941", "E06000063", "Cumberland", "UA", ""},
		{"E3120", "E10000025", "Oxfordshire", "SC", "", 1, 2, 10, "[x]", 0, 0, 0, 900, 910},
	}
	p := writeRA(t, demo.RALines, rows)
	b, err := openRA(p, filepath.Base(p))
	if err != nil {
		t.Fatal(err)
	}
	if b.fy != "2025-26" || b.sheet != "RA_LA_Data_2025-26" || b.headerRow != 10 || len(b.cols) != 7 {
		t.Fatalf("%+v", b)
	}
	var got []raRecord
	if err := b.stream(context.Background(), func(r raRecord) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 21 {
		t.Fatalf("%d values, want 3 authorities x 7 lines", len(got))
	}
	// Lines in RALines order: archives, culture excl. archives, recreation, open spaces, tourism, library, total.
	wantLines := []string{"archives", "culture_heritage_excl_archives", "recreation_sport", "open_spaces", "tourism", "library", "total_cultural"}
	for i, r := range got {
		row := rows[1+i/7]
		li := i % 7
		if r.ecode != row[0] || r.col.line != wantLines[li] || r.col.section != "Cultural and related services" {
			t.Errorf("value %d: %+v", i, r)
		}
		if r.col.asset != demo.RALines[2+li].Asset || r.col.number != demo.RALines[2+li].Number {
			t.Errorf("value %d: asset %q line %q", i, r.col.asset, r.col.number)
		}
		switch {
		case r.ecode == "E0941":
			if r.status != "not submitted" || r.amount.Valid || r.amount.Reason != "not submitted" {
				t.Errorf("Cumberland: %+v", r)
			}
		case row[7+li] == "[x]":
			if r.amount.Valid || r.amount.Reason != "not available [x]" {
				t.Errorf("marker: %+v", r)
			}
		default:
			want := row[7+li]
			if f, ok := want.(int); ok {
				want = float64(f)
			}
			if !r.amount.Valid || r.amount.Value != want {
				t.Errorf("%s %s: %+v, want %v", r.ecode, r.col.line, r.amount, want)
			}
		}
	}
}

func TestRARenamedLineFails(t *testing.T) {
	lines := append([]demo.RALine{}, demo.RALines...)
	lines[7].Title = "Libraries"
	p := writeRA(t, lines, [][]any{{"E0701", "E06000001", "Hartlepool", "UA", "", 1, 2, 3, 4, 5, 6, 7, 8, 9}})
	_, err := openRA(p, filepath.Base(p))
	var le *sources.LayoutError
	if !errors.As(err, &le) || le.Expected != "Library service" || le.Sheet != "RA_LA_Data_2025-26" || le.File != filepath.Base(p) {
		t.Fatalf("%v", err)
	}
}
