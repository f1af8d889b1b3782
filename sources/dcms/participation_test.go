package dcms

import (
	"errors"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/sources"
)

func TestParticipationFixtureCellByCell(t *testing.T) {
	c := &collector{want: len(ParticipationTable.Columns)}
	n, err := readParticipation(bg, writeFixture(t, "ps.ods", participationFixture()), "ps.ods", c.emit)
	if err != nil || n != 1 {
		t.Fatalf("n = %d, err = %v", n, err)
	}
	if len(c.rows) != 3 {
		t.Fatalf("%d rows, want 3 (the national table and the footnote are not LA rows)", len(c.rows))
	}
	type row struct {
		table, question, code, name, region, year string
		pct, lo, hi                               string
		resp, base, marker, note                  string
	}
	f := func(v any) string {
		if x, ok := num(v); ok {
			return str(x)
		}
		if p, ok := v.(*int64); ok && p != nil {
			return str(*p)
		}
		return ""
	}
	want := []row{
		{"A3", "Engaged with the arts physically in the last 12 months [Note 2]", "E08000021", "Newcastle upon Tyne", "North East", "2023-24", "89.3", "85.9", "92.7", "580", "643", "", "[note 1] [note 2]"},
		{"A3", "Engaged with the arts physically in the last 12 months [Note 2]", "E09000007", "Camden [note 5]", "London", "2023-24", "", "", "", "", "40", "confidential [c]", "[note 1] [note 2] [note 5]"},
		{"A3", "Engaged with the arts physically in the last 12 months [Note 2]", "", "Bristol, City of", "South West", "2023-24", "81", "77.5", "84.5", "1204", "1486", "", "[note 1] [note 2]"},
	}
	for i, r := range c.rows {
		v := r.vals
		got := row{str(v[0]), str(v[2]), str(v[3]), str(v[4]), str(v[5]), str(v[6]), f(v[7]), f(v[8]), f(v[9]), f(v[10]), f(v[11]), str(v[12]), str(v[13])}
		if got != want[i] {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, got, want[i])
		}
		if r.sheet != "Table_A3" || r.row != 6+i {
			t.Errorf("row %d lineage %s!%d", i, r.sheet, r.row)
		}
	}
}

func TestParticipationErrors(t *testing.T) {
	sh := participationFixture()
	sh[1].Rows[5][5] = 95 // lower estimate above the percentage
	_, err := readParticipation(bg, writeFixture(t, "ci.ods", sh), "ci.ods", (&collector{want: len(ParticipationTable.Columns)}).emit)
	var ce *sheets.CellError
	if !errors.As(err, &ce) || ce.Sheet != "Table_A3" || sheets.CellRef(ce.Col, ce.Row) != "E6" {
		t.Fatalf("err = %v, want a cell error at Table_A3!E6", err)
	}
	sh = participationFixture()
	sh[1].Rows[4][6] = "Upper"
	_, err = readParticipation(bg, writeFixture(t, "hdr.ods", sh), "hdr.ods", (&collector{want: len(ParticipationTable.Columns)}).emit)
	var le *sources.LayoutError
	if !errors.As(err, &le) || le.Expected != "Percentage of respondents 2023/24 Upper estimate" {
		t.Fatalf("err = %v, want a layout error naming the upper estimate header", err)
	}
	sh = participationFixture()
	sh[1].Rows[6][7] = "12.5"
	_, err = readParticipation(bg, writeFixture(t, "n.ods", sh), "n.ods", (&collector{want: len(ParticipationTable.Columns)}).emit)
	if !errors.As(err, &ce) || sheets.CellRef(ce.Col, ce.Row) != "H7" {
		t.Fatalf("err = %v, want a cell error at H7 (respondents must be whole)", err)
	}
}
