package dcms

import (
	"errors"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/sources"
)

// indRow is a raw.dcms_museum_indicators row as the reader emits it.
type indRow struct {
	table, indicator, unit, name, fy, label string
	value                                   float64
	hasValue                                bool
	marker                                  string
	brk, revised                            bool
	note                                    string
}

func readIndRows(t *testing.T, path string) ([]indRow, []string) {
	t.Helper()
	c := &collector{want: len(IndicatorsTable.Columns)}
	var notes []string
	if err := readIndicators(bg, path, "pi.ods", c.emit, func(f string, a ...any) { notes = append(notes, f) }); err != nil {
		t.Fatal(err)
	}
	var out []indRow
	for _, r := range c.rows {
		v := r.vals
		x, ok := num(v[7])
		out = append(out, indRow{table: str(v[0]), indicator: str(v[2]), unit: str(v[3]), name: str(v[4]), fy: str(v[5]), label: str(v[6]),
			value: x, hasValue: ok, marker: str(v[8]), brk: v[9].(bool), revised: v[10].(bool), note: str(v[11])})
	}
	return out, notes
}

func findInd(rows []indRow, indicator, name, fy string) (indRow, bool) {
	for _, r := range rows {
		if r.indicator == indicator && r.name == name && r.fy == fy {
			return r, true
		}
	}
	return indRow{}, false
}

func TestIndicatorsFixtureCellByCell(t *testing.T) {
	rows, _ := readIndRows(t, writeFixture(t, "pi.ods", indicatorsFixture()))
	cases := []indRow{
		{table: "1", indicator: "visits", unit: "visits", name: "British Museum", fy: "2009-10", label: "2009/10", value: 5650388, hasValue: true, note: "[note 1]"},
		{table: "1", indicator: "visits", unit: "visits", name: "British Museum", fy: "2010-11", label: "2010/11 [b]", value: 5869396, hasValue: true, brk: true, note: "[note 1]"},
		// "The cell D6 is a revised figure." marks D6 alone.
		{table: "1", indicator: "visits", unit: "visits", name: "British Museum", fy: "2023-24", label: "2023/24", value: 6159856, hasValue: true, revised: true, note: "[note 1] [note 2]"},
		{table: "1", indicator: "visits", unit: "visits", name: "Science Museum Group", fy: "2009-10", label: "2009/10", value: 4312668.1027, hasValue: true, note: "[note 1]"},
		{table: "1", indicator: "visits", unit: "visits", name: "Science Museum Group", fy: "2010-11", label: "2010/11 [b]", marker: "not available [x]", brk: true, note: "[note 1]"},
		{table: "1", indicator: "visits", unit: "visits", name: "Total", fy: "2023-24", label: "2023/24", value: 42547000, hasValue: true, note: "[note 1]"},
		// Table 2: one row per year, no museum column.
		{table: "2", indicator: "visits_total", unit: "visits", fy: "2010-11", label: "2010/11 [b]", value: 43887000, hasValue: true, brk: true, note: "[note 1] [note 3] [note 4]"},
		{table: "2", indicator: "visits_total", unit: "visits", fy: "2019-20", label: "2019/20", value: 47645000, hasValue: true, revised: true, note: "[note 1] [note 3] [note 4] [note 2]"},
		{table: "6", indicator: "would_recommend", unit: "proportion", name: "National Museums Liverpool", fy: "2023-24", label: "2023/24", value: 0.99, hasValue: true, note: "[note 1]"},
		{table: "8", indicator: "onsite_activities_under_18", unit: "instances", name: "National Gallery", fy: "2020-21", label: "2020/21", marker: "no or few observations [w]", note: "[note 1]"},
		{table: "8", indicator: "onsite_activities_under_18", unit: "instances", name: "National Gallery", fy: "2021-22", label: "2021/22", value: 247276, hasValue: true, note: "[note 1]"},
		{table: "8", indicator: "onsite_activities_under_18", unit: "instances", name: "Royal Armouries [note 16]", fy: "2020-21", label: "2020/21", value: 0, hasValue: true, note: "[note 1] [note 16]"},
	}
	for _, w := range cases {
		got, ok := findInd(rows, w.indicator, w.name, w.fy)
		if !ok {
			t.Errorf("%s %q %s: no row", w.indicator, w.name, w.fy)
			continue
		}
		if got != w {
			t.Errorf("%s %q %s:\n got %+v\nwant %+v", w.indicator, w.name, w.fy, got, w)
		}
	}
}

func TestIndicatorsErrors(t *testing.T) {
	sh := indicatorsFixture()
	sh[1].Rows[5][2] = "5,869,39six"
	err := readIndicators(bg, writeFixture(t, "bad.ods", sh), "bad.ods", (&collector{want: len(IndicatorsTable.Columns)}).emit, func(string, ...any) {})
	var ce *sheets.CellError
	if !errors.As(err, &ce) || ce.Sheet != "1" || sheets.CellRef(ce.Col, ce.Row) != "C6" {
		t.Fatalf("err = %v, want a cell error at 1!C6", err)
	}
	// The header is found by its literal text; without it the sheet is a layout error.
	sh = indicatorsFixture()
	sh[1].Rows[4][0] = "Museum"
	err = readIndicators(bg, writeFixture(t, "hdr.ods", sh), "hdr.ods", (&collector{want: len(IndicatorsTable.Columns)}).emit, func(string, ...any) {})
	var le *sources.LayoutError
	if !errors.As(err, &le) || le.Sheet != "1" || le.Expected != "Name of museum or gallery" {
		t.Fatalf("err = %v, want a layout error for sheet 1", err)
	}
	// Without table 1 the workbook is not the indicators.
	sh = indicatorsFixture()
	sh = append(sh[:1], sh[2:]...)
	err = readIndicators(bg, writeFixture(t, "no1.ods", sh), "no1.ods", (&collector{want: len(IndicatorsTable.Columns)}).emit, func(string, ...any) {})
	if !errors.Is(err, sources.ErrLayout) {
		t.Fatalf("err = %v, want ErrLayout", err)
	}
	// An unknown table is noted and skipped.
	sh = indicatorsFixture()
	sh = append(sh, sh[4])
	sh[len(sh)-1].Name = "13"
	sh[len(sh)-1].Rows = append([][]any{{"Table 13: Something new, split by year"}}, sh[4].Rows[1:]...)
	var notes []string
	if err := readIndicators(bg, writeFixture(t, "new.ods", sh), "new.ods", (&collector{want: len(IndicatorsTable.Columns)}).emit, func(f string, a ...any) { notes = append(notes, f) }); err != nil || len(notes) != 1 {
		t.Fatalf("err = %v, notes = %v", err, notes)
	}
}

func TestFinancialYear(t *testing.T) {
	for in, want := range map[string]string{"2008/09": "2008-09", "2004/2005": "2004-05", "2010/11 [b]": "2010-11 b", "2019/20 ": "2019-20",
		"1999/00": "1999-00", "2023-24": "2023-24", "2008/10": "", "2004/2006": "", "08/09": "", "Total": ""} {
		fy, _, brk, _, ok := financialYear(in)
		got := ""
		if ok {
			got = fy
			if brk {
				got += " b"
			}
		}
		if got != want {
			t.Errorf("financialYear(%q) = %q, want %q", in, got, want)
		}
	}
	cn := parseCellNotes("[note 2] The cells M24, O24 & P24 are revised figures.")
	if n, rev := cn.forCell(14, 24); n != "[note 2]" || !rev {
		t.Errorf("O24: %q %v", n, rev)
	}
	if n, _ := cn.forCell(13, 24); n != "" {
		t.Errorf("N24 is not named, got %q", n)
	}
	if parseCellNotes("[note 2] Some museums revised") != nil {
		t.Error("a note naming no cell applies to none")
	}
}
