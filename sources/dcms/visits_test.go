package dcms

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/internal/sheets/sheetwrite"
	"github.com/cornerstone-data/cornerstone/sources"
)

// visitRow is a raw.dcms_museum_visits row as the reader emits it.
type visitRow struct {
	sheet, name, group, parent, coverage, label, rowLabel, grain string
	start                                                        time.Time
	visits                                                       float64
	hasVisits                                                    bool
	marker                                                       string
	revised                                                      bool
	note, notesText                                              string
	row                                                          int
}

func readVisitRows(t *testing.T, path string) []visitRow {
	t.Helper()
	c := &collector{want: len(VisitsTable.Columns)}
	if _, err := readVisits(bg, path, "visits.ods", c.emit); err != nil {
		t.Fatal(err)
	}
	var out []visitRow
	for _, r := range c.rows {
		v := r.vals
		x, ok := num(v[9])
		out = append(out, visitRow{sheet: str(v[0]), name: str(v[1]), group: str(v[2]), parent: str(v[3]), coverage: str(v[4]),
			label: str(v[5]), rowLabel: str(v[6]), grain: str(v[7]), start: date(v[8]), visits: x, hasVisits: ok, marker: str(v[10]),
			revised: v[11].(bool), note: str(v[12]), notesText: str(v[13]), row: r.row})
		if r.sheet != str(v[0]) {
			t.Fatalf("lineage sheet %q, table_id %q", r.sheet, str(v[0]))
		}
	}
	return out
}

func find(rows []visitRow, sheet, name string, start string, grain string) (visitRow, bool) {
	for _, r := range rows {
		if r.sheet == sheet && r.name == name && r.start.Format("2006-01-02") == start && r.grain == grain {
			return r, true
		}
	}
	return visitRow{}, false
}

func TestVisitsFixtureCellByCell(t *testing.T) {
	rows := readVisitRows(t, writeFixture(t, "visits.ods", visitsFixture()))
	cases := []struct {
		sheet, name, start, grain string
		want                      visitRow
	}{
		{"1a", "British Museum", "2019-01-01", "month", visitRow{group: "British Museum", coverage: "Museum group", label: "January 2019", visits: 447863, hasVisits: true, row: 6}},
		// A column header carrying [r] marks its cells revised.
		{"1a", "British Museum", "2019-02-01", "month", visitRow{group: "British Museum", coverage: "Museum group", label: "February 2019 [r]", visits: 470127, hasVisits: true, revised: true, row: 6}},
		// The Notes column names D5: its note applies to that cell only.
		{"1a", "DCMS Total", "2019-01-01", "month", visitRow{group: "DCMS Total", coverage: "All DCMS-sponsored museums", label: "January 2019", visits: 4256452, hasVisits: true,
			note: "[note 2]", notesText: "[note 2][This note applies to cells D5.]", row: 5}},
		// A revised cell stored as text with thousands separators.
		{"1a", "DCMS Total", "2019-02-01", "month", visitRow{group: "DCMS Total", coverage: "All DCMS-sponsored museums", label: "February 2019 [r]", visits: 4256460, hasVisits: true,
			revised: true, notesText: "[note 2][This note applies to cells D5.]", row: 5}},
		// [note N] in the name is kept in the name and copied to note; x is a marker, never zero.
		{"1a", "Young V&A [note 9]", "2019-02-01", "month", visitRow{group: "V&A", coverage: "Museum site", label: "February 2019 [r]", marker: "not available [x]", revised: true, note: "[note 9]", row: 10}},
		{"1b", "British Museum", "2019-01-01", "quarter", visitRow{group: "British Museum", coverage: "Museum group", label: "January - March 2019 (Q4)", visits: 1412338, hasVisits: true, row: 5}},
		{"1b", "British Museum", "2020-07-01", "quarter", visitRow{group: "British Museum", coverage: "Museum group", label: "July - September 2020 (Q2) [r]", visits: 50821, hasVisits: true, revised: true, row: 5}},
		{"1b", "British Museum", "2021-04-01", "quarter", visitRow{group: "British Museum", coverage: "Museum group", label: "April - June 2021 (Q1)", visits: 156407, hasVisits: true, row: 5}},
		// Archive: the month row against the financial year column; January is in the year after.
		{"2a", "DCMS Total", "2005-04-01", "month", visitRow{coverage: "All DCMS-sponsored museums", label: "2005/2006", rowLabel: "April", visits: 3643655.64, hasVisits: true, row: 5}},
		{"2a", "DCMS Total", "2005-01-01", "month", visitRow{coverage: "All DCMS-sponsored museums", label: "2004/2005", rowLabel: "January", marker: "not available [x]", row: 6}},
		{"2a", "DCMS Total", "2006-01-01", "month", visitRow{coverage: "All DCMS-sponsored museums", label: "2005/2006", rowLabel: "January", visits: 2877717.48, hasVisits: true, row: 6}},
		{"2a", "T&W MUSEUM STORE \u00a0(SHARED BY T&W AND BEAMISH MUSEUM)", "2004-04-01", "year_to_date", visitRow{coverage: "Museum site", parent: "IMPERIAL WAR MUSEUM (IWM)",
			label: "2004/2005", rowLabel: "Financial Year Running Total", visits: 36094536, hasVisits: true, row: 8}},
		{"2b", "BRITISH MUSEUM", "2005-01-01", "quarter", visitRow{coverage: "Museum group", label: "2004/2005", rowLabel: "Jan-March (Q4)", visits: 1060102, hasVisits: true, row: 5}},
		{"2b", "BRITISH MUSEUM", "2004-04-01", "quarter", visitRow{coverage: "Museum group", label: "2004/2005", rowLabel: "Apr-June (Q1)", visits: 1123859, hasVisits: true, row: 6}},
	}
	for _, c := range cases {
		got, ok := find(rows, c.sheet, c.name, c.start, c.grain)
		if !ok {
			t.Errorf("%s %q %s %s: no row", c.sheet, c.name, c.start, c.grain)
			continue
		}
		w := c.want
		w.sheet, w.name, w.start, w.grain = c.sheet, c.name, got.start, c.grain
		if got != w {
			t.Errorf("%s %q %s %s:\n got %+v\nwant %+v", c.sheet, c.name, c.start, c.grain, got, w)
		}
	}
	// Blank cells are not rows; every emitted row has a value or a marker.
	if _, ok := find(rows, "1a", "Young V&A [note 9]", "2019-01-01", "month"); ok {
		t.Error("a blank cell was emitted")
	}
	for _, r := range rows {
		if !r.hasVisits && r.marker == "" {
			t.Errorf("row without value or marker: %+v", r)
		}
	}
}

func TestVisitsBadInputNamesTheCell(t *testing.T) {
	sh := visitsFixture()
	sh[2].Rows[6][4] = "3,786,33x"
	_, err := readVisits(bg, writeFixture(t, "bad.ods", sh), "bad.ods", (&collector{want: len(VisitsTable.Columns)}).emit)
	var ce *sheets.CellError
	if !errors.As(err, &ce) || ce.Sheet != "1a" || sheets.CellRef(ce.Col, ce.Row) != "E7" {
		t.Fatalf("err = %v, want a cell error at 1a!E7", err)
	}
	if !strings.Contains(err.Error(), `bad.ods sheet "1a" cell E7 ("3,786,33x")`) {
		t.Errorf("message %q does not name the file, sheet and cell", err)
	}

	sh = visitsFixture()
	sh[2].Rows[3][4] = "Febuary 2019"
	_, err = readVisits(bg, writeFixture(t, "hdr.ods", sh), "hdr.ods", (&collector{want: len(VisitsTable.Columns)}).emit)
	var le *sources.LayoutError
	if !errors.As(err, &le) || le.Sheet != "1a" || !errors.Is(err, sources.ErrLayout) || !strings.Contains(err.Error(), "E4") {
		t.Fatalf("err = %v, want a layout error naming 1a and cell E4", err)
	}

	sh = visitsFixture()
	sh[4].Rows[4][2] = "Janvier"
	_, err = readVisits(bg, writeFixture(t, "row.ods", sh), "row.ods", (&collector{want: len(VisitsTable.Columns)}).emit)
	if !errors.As(err, &ce) || ce.Sheet != "2a" || sheets.CellRef(ce.Col, ce.Row) != "C5" {
		t.Fatalf("err = %v, want a cell error at 2a!C5", err)
	}

	n, err := readVisits(bg, writeFixture(t, "none.ods", []sheetwrite.Sheet{{Name: "Sheet1", Rows: [][]any{{"a", "b"}}}}), "none.ods", (&collector{want: len(VisitsTable.Columns)}).emit)
	if !errors.As(err, &le) || n != 0 || le.Sheet != "Sheet1" || le.Expected != "Museum Name" {
		t.Fatalf("a workbook without a visits table: n=%d err=%v, want a layout error naming Sheet1 and Museum Name", n, err)
	}

	sh = visitsFixture()
	for _, s := range sh {
		for i, r := range s.Rows {
			for j, c := range r {
				if c == "Coverage" {
					s.Rows[i][j] = "Coverage type"
				}
			}
		}
	}
	_, err = readVisits(bg, writeFixture(t, "renamed.ods", sh), "renamed.ods", (&collector{want: len(VisitsTable.Columns)}).emit)
	if !errors.As(err, &le) || le.Expected != "Coverage" || !le.Closest || !slices.Equal(le.Nearest, []string{"Coverage type"}) {
		t.Fatalf("a renamed Coverage column: err = %v, want a layout error naming Coverage and its nearest header", err)
	}
	if want := `renamed.ods sheet "1a": header "Coverage" not found (row 4, the closest to the header); nearest headers found: ["Coverage type"]`; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message\n%s\nwant it to start\n%s", err, want)
	}

	// One visits sheet renamed while the others load: the load goes on, with a note naming it.
	sh = visitsFixture()
	for _, s := range sh {
		if s.Name != "1b" {
			continue
		}
		for i, r := range s.Rows {
			for j, c := range r {
				if c == "Coverage" {
					s.Rows[i][j] = "Coverage type"
				}
			}
		}
	}
	var notes []string
	n, err = readVisitsNoting(bg, writeFixture(t, "one.ods", sh), "one.ods", (&collector{want: len(VisitsTable.Columns)}).emit, func(s string) { notes = append(notes, s) })
	if err != nil || n != 3 {
		t.Fatalf("one sheet renamed: n=%d err=%v, want the other three sheets read", n, err)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], `sheet "1b"`) || !strings.Contains(notes[0], `"Coverage type"`) {
		t.Errorf("notes %q, want one naming sheet 1b and the renamed header", notes)
	}
	notes = nil
	if _, err := readVisitsNoting(bg, writeFixture(t, "ok.ods", visitsFixture()), "ok.ods", (&collector{want: len(VisitsTable.Columns)}).emit, func(s string) { notes = append(notes, s) }); err != nil || len(notes) > 0 {
		t.Errorf("the intact fixture: err %v, notes %q; want neither", err, notes)
	}
}

func TestPeriodParsers(t *testing.T) {
	for h, want := range map[string]string{
		"January 2019": "month 2019-01-01", "September 2020 [r]": "month 2020-09-01 r", "Sept 2023": "month 2023-09-01",
		"January - March 2019 (Q4)": "quarter 2019-01-01", "October - December 2022 (Q3) [r]": "quarter 2022-10-01 r",
		"July - September 2021 (Q2) ": "quarter 2021-07-01", "Notes": "", "January - June 2019": "", "2019": "", "Smarch 2019": "",
	} {
		p, ok := parsePeriodHeader(h)
		got := ""
		if ok {
			got = p.grain + " " + p.start.Format("2006-01-02")
			if p.revised {
				got += " r"
			}
		}
		if got != want {
			t.Errorf("parsePeriodHeader(%q) = %q, want %q", h, got, want)
		}
	}
	for label, want := range map[string]string{
		"April": "month 2010-04-01", "March": "month 2011-03-01", "Financial Year Running Total": "year_to_date 2010-04-01",
		"Oct-Dec (Q3)": "quarter 2010-10-01", "Jan-March (Q4)": "quarter 2011-01-01", "July-Sept (Q2)": "quarter 2010-07-01",
		"Mar-May": "", "Ap": "", "": "",
	} {
		p, ok := parseArchiveRow(label, 2010)
		got := ""
		if ok {
			got = p.grain + " " + p.start.Format("2006-01-02")
		}
		if got != want {
			t.Errorf("parseArchiveRow(%q) = %q, want %q", label, got, want)
		}
	}
	if v := lastMonth("Monthly_and_Quarterly_Visits_to_DCMS-Sponsored_Museums_and_Galleries_-_to_June_2025_data_tables.ods"); v != "2025-06" {
		t.Errorf("lastMonth = %q", v)
	}
}
