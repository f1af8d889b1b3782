package site

import (
	"bytes"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Any label gives a safe file-name fragment, and any text survives a CSV round trip defused.
func FuzzSlugAndTableCSV(f *testing.F) {
	for _, s := range []string{"Library service", "=cmd|' /C calc'!A0", "@SUM(A1)", "-12.5", "", "Ünïcode – dash", "a\nb,\"c\""} {
		f.Add(s, 1.5)
	}
	f.Fuzz(func(t *testing.T, s string, v float64) {
		if id := slug(s); !idRe.MatchString(id) {
			t.Fatalf("slug(%q) = %q is not a safe id", s, id)
		}
		tb := &Table{ID: "x", Columns: []Column{{Name: s}, {Name: "v", Num: true}}, Rows: [][]Cell{{T(s), N(v)}}, Citation: s}
		rows, err := csv.NewReader(bytes.NewReader(tb.CSV(false))).ReadAll()
		if err != nil {
			t.Fatalf("CSV of %q does not parse: %v", s, err)
		}
		if len(rows) != 2 || len(rows[1]) != 3 {
			t.Fatalf("CSV of %q: %v", s, rows)
		}
		for _, cell := range []string{rows[0][0], rows[1][0], rows[1][2]} {
			if _, err := strconv.ParseFloat(cell, 64); err == nil {
				continue // a plain number is not a formula
			}
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Fatalf("cell %q starts with a formula character", cell)
			}
		}
		if math.IsNaN(v) != (rows[1][1] == "") {
			t.Fatalf("number %v written as %q", v, rows[1][1])
		}
	})
}

func TestPeriodLabel(t *testing.T) {
	d := func(s string) time.Time { x, _ := time.Parse(time.DateOnly, s); return x }
	for _, c := range [][3]string{{"2023-04-01", "2024-03-31", "2023-24"}, {"1999-04-01", "2000-03-31", "1999-00"}, {"2023-01-01", "2023-12-31", "2023"},
		{"2023-04-01", "2023-06-30", "2023-04-01 to 2023-06-30"}} {
		if got := periodLabel(d(c[0]), d(c[1])); got != c[2] {
			t.Errorf("periodLabel(%s, %s) = %q, want %q", c[0], c[1], got, c[2])
		}
	}
}
