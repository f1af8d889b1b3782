//go:build duckdb_arrow

package warehouse

import (
	"testing"
	"time"
)

func TestDaysSinceEpoch(t *testing.T) {
	for day := time.Date(-1200, 1, 1, 0, 0, 0, 0, time.UTC); day.Year() < 2800; day = day.AddDate(0, 0, 13) {
		y, m, d := day.Date()
		if got, want := daysSinceEpoch(y, m, d), day.Unix()/86400; got != want {
			t.Fatalf("%v: %d, want %d", day, got, want)
		}
	}
}

// TestBulkRowErrorDropsTheRow checks that a row failing half-way leaves the batch as it was, so
// the next row lines up in every column.
func TestBulkRowErrorDropsTheRow(t *testing.T) {
	b := &arrowBulk{cols: []column{newColumn(colString, 4, 0), newColumn(colFloat64, 4, 0), newColumn(colBool, 4, 0)}}
	b.schema = nil
	for i := range 9 {
		b.putString("ok")
		b.putNull()
		b.putBool(i%2 == 0)
		if err := b.endRow(); err != nil {
			t.Fatal(err)
		}
	}
	b.putString("half")
	b.putFloat64(2)
	if err := b.endRow(); err == nil {
		t.Fatal("a short row was accepted")
	}
	for i, c := range b.cols {
		if len(c.valid) != 2 || c.nulls != map[int]int{0: 0, 1: 9, 2: 0}[i] {
			t.Errorf("column %d: %d bitmap bytes, %d nulls after the failed row", i, len(c.valid), c.nulls)
		}
	}
	if c := b.cols[0]; len(c.off) != 10 || string(c.data) != "okokokokokokokokok" {
		t.Errorf("strings after the failed row: %d offsets, %q", len(c.off), c.data)
	}
}
