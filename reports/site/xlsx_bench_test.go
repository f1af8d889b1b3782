package site

import (
	"fmt"
	"testing"
)

// benchTable is a typical council table: 20 rows of a text and four numbers.
func benchTable() *Table {
	t := &Table{ID: "bench", Caption: "A council's spend by service line", Citation: "Source: MHCLG, RO5 2023-24",
		Columns: []Column{{Name: "Service line"}, {Name: "2021-22", Num: true}, {Name: "2022-23", Num: true}, {Name: "2023-24", Num: true}, {Name: "Change", Num: true, Unit: "%"}}}
	for i := range 20 {
		t.Rows = append(t.Rows, []Cell{T(fmt.Sprintf("line %d", i)), N(float64(i) * 1000.5), N(float64(i) * 1100), N(float64(i) * 1200), N(3.5)})
	}
	return t
}

// BenchmarkTableXLSX is one table's XLSX download: the site writes about 4,000 at national scale.
func BenchmarkTableXLSX(b *testing.B) {
	t := benchTable()
	for b.Loop() {
		if _, err := t.XLSX(true, "abc"); err != nil {
			b.Fatal(err)
		}
	}
}
