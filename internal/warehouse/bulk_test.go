package warehouse

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

var bulkCols = []Column{
	{Name: "s", Type: "VARCHAR"}, {Name: "d", Type: "DOUBLE"}, {Name: "b", Type: "BIGINT"}, {Name: "i", Type: "INTEGER"},
	{Name: "ok", Type: "BOOLEAN"}, {Name: "day", Type: "DATE"}, {Name: "at", Type: "TIMESTAMP"},
}

func bulkRow(i int) []driver.Value {
	if i%7 == 3 {
		return []driver.Value{nil, nil, nil, nil, nil, nil, nil}
	}
	day := time.Date(1960+i%80, time.Month(1+i%12), 1+i%28, 0, 0, 0, 0, time.UTC)
	return []driver.Value{fmt.Sprintf("row %d ünïcode", i), float64(i) / 4, int64(i) << 20, int64(i % 1000), i%2 == 0,
		day, day.Add(time.Duration(i) * time.Second)}
}

// TestBulkAppenderRoundTrip loads more than two Arrow batches of every mapped type, NULLs
// included, and reads them back (the Appender fallback without the duckdb_arrow tag).
func TestBulkAppenderRoundTrip(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	tbl := Table{Schema: "raw", Name: "bulk", Columns: bulkCols}
	n := 2*BulkBatchRows + 123
	err := db.Update(ctx, func(tx *Tx) error {
		if err := tx.EnsureTable(ctx, tbl); err != nil {
			return err
		}
		a, err := tx.BulkAppender(ctx, "raw", "bulk", bulkCols)
		if err != nil {
			return err
		}
		for i := range n {
			if err := a.Append(bulkRow(i)...); err != nil {
				return err
			}
		}
		if a.Rows() != int64(n) {
			t.Errorf("Rows %d, want %d", a.Rows(), n)
		}
		return a.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	var got, nulls int
	var sumD float64
	if err := db.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE s IS NULL), sum(d) FROM raw.bulk`).Scan(&got, &nulls, &sumD); err != nil {
		t.Fatal(err)
	}
	wantNulls, wantSum := 0, 0.0
	for i := range n {
		if i%7 == 3 {
			wantNulls++
		} else {
			wantSum += float64(i) / 4
		}
	}
	if got != n || nulls != wantNulls || sumD != wantSum {
		t.Errorf("%d rows (%d NULL), sum %v; want %d (%d), %v", got, nulls, sumD, n, wantNulls, wantSum)
	}
	for _, i := range []int{0, 1, BulkBatchRows, n - 1} {
		want := bulkRow(i)
		var s string
		var d float64
		var b, in int64
		var ok bool
		var day, at time.Time
		if err := db.QueryRow(ctx, `SELECT s, d, b, i, ok, day, "at" FROM raw.bulk WHERE s = ?`, want[0]).Scan(&s, &d, &b, &in, &ok, &day, &at); err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		if d != want[1] || b != want[2] || in != want[3] || ok != want[4] || !day.Equal(want[5].(time.Time)) || !at.Equal(want[6].(time.Time)) {
			t.Errorf("row %d: %v %v %v %v %v %v, want %v", i, d, b, in, ok, day, at, want[1:])
		}
	}
}

// TestBulkAppenderRollsBack checks that a load failing after some batches were streamed leaves
// nothing, and that a wrong value is an error, not a panic.
func TestBulkAppenderRollsBack(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	tbl := Table{Schema: "raw", Name: "bulk", Columns: bulkCols}
	if err := db.Update(ctx, func(tx *Tx) error { return tx.EnsureTable(ctx, tbl) }); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("bad cell")
	err := db.Update(ctx, func(tx *Tx) error {
		a, err := tx.BulkAppender(ctx, "raw", "bulk", bulkCols)
		if err != nil {
			return err
		}
		for i := range 3*BulkBatchRows + 5 {
			if err := a.Append(bulkRow(i)...); err != nil {
				return err
			}
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v, want %v", err, boom)
	}
	err = db.Update(ctx, func(tx *Tx) error {
		a, err := tx.BulkAppender(ctx, "raw", "bulk", bulkCols)
		if err != nil {
			return err
		}
		return a.Append("x", "not a number", nil, nil, nil, nil, nil)
	})
	if err == nil {
		t.Fatal("a string for a DOUBLE column was accepted")
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM raw.bulk`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d rows after failed loads (%v), want 0", n, err)
	}
}

// appendTyped appends bulkRow(i) through the typed methods.
func appendTyped(a *Appender, i int) error {
	for _, v := range bulkRow(i) {
		switch x := v.(type) {
		case nil:
			a.Null()
		case string:
			a.String(x)
		case float64:
			a.Float64(x)
		case int64:
			a.Int64(x)
		case bool:
			a.Bool(x)
		case time.Time:
			a.Time(x)
		}
	}
	return a.EndRow()
}

// TestBulkAppenderTypedRows loads the same rows through Append and through the typed methods
// (more than two Arrow batches, every mapped type, NULLs) and compares the tables row for row.
func TestBulkAppenderTypedRows(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	n := 2*BulkBatchRows + 77
	for _, name := range []string{"boxed", "typed"} {
		tbl := Table{Schema: "raw", Name: name, Columns: bulkCols}
		err := db.Update(ctx, func(tx *Tx) error {
			if err := tx.EnsureTable(ctx, tbl); err != nil {
				return err
			}
			a, err := tx.BulkAppender(ctx, "raw", name, bulkCols)
			if err != nil {
				return err
			}
			for i := range n {
				if name == "boxed" {
					err = a.Append(bulkRow(i)...)
				} else {
					err = appendTyped(a, i)
				}
				if err != nil {
					return err
				}
			}
			if a.Rows() != int64(n) {
				t.Errorf("%s: Rows %d, want %d", name, a.Rows(), n)
			}
			return a.Close()
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var rows, differ int
	if err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM raw.typed),
		(SELECT count(*) FROM (SELECT rowid, * FROM raw.boxed EXCEPT SELECT rowid, * FROM raw.typed))`).Scan(&rows, &differ); err != nil {
		t.Fatal(err)
	}
	if rows != n || differ != 0 {
		t.Errorf("typed rows: %d (want %d), %d differ from Append's", rows, n, differ)
	}
}

// TestBulkAppenderTypedErrors checks that a typed value of the wrong type, or a row with too few
// or too many values, fails at EndRow naming the problem.
func TestBulkAppenderTypedErrors(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	cols := []Column{{Name: "s", Type: "VARCHAR"}, {Name: "d", Type: "DOUBLE"}}
	if err := db.Update(ctx, func(tx *Tx) error { return tx.EnsureTable(ctx, Table{Schema: "raw", Name: "t", Columns: cols}) }); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		row  func(a *Appender)
	}{
		{"wrong type", func(a *Appender) { a.String("x"); a.String("y") }},
		{"too few", func(a *Appender) { a.String("x") }},
		{"too many", func(a *Appender) { a.String("x"); a.Float64(1); a.Null() }},
	} {
		err := db.Update(ctx, func(tx *Tx) error {
			a, err := tx.BulkAppender(ctx, "raw", "t", cols)
			if err != nil {
				return err
			}
			c.row(a)
			return a.EndRow()
		})
		if err == nil {
			t.Errorf("%s: no error", c.name)
		}
	}
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM raw.t`).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d rows after failed loads (%v), want 0", n, err)
	}
}

// TestBulkLoadReturnsItsMemory: closing a large load collects its dead batches at once instead of
// leaving them on the Go heap until the next collection, which may not come before the process
// ends (and counts in its peak resident memory meanwhile).
func TestBulkLoadReturnsItsMemory(t *testing.T) {
	db, _ := openTemp(t)
	ctx := context.Background()
	cols := []Column{{Name: "s", Type: "VARCHAR"}, {Name: "n", Type: "BIGINT"}}
	pad := strings.Repeat("x", 200)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := db.Update(ctx, func(tx *Tx) error {
		if err := tx.EnsureTable(ctx, Table{Schema: "raw", Name: "wide", Columns: cols}); err != nil {
			return err
		}
		a, err := tx.BulkAppender(ctx, "raw", "wide", cols)
		if err != nil {
			return err
		}
		for i := range 2*BulkBatchRows + 7 {
			if err := a.Append(pad+strconv.Itoa(i), int64(i)); err != nil {
				return err
			}
		}
		err = a.Close()
		runtime.ReadMemStats(&after)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// The load streamed about 60 MB of strings; what stays allocated must be far less.
	if grown := int64(after.HeapAlloc) - int64(before.HeapAlloc); grown > 16<<20 {
		t.Errorf("the Go heap holds %d MB more after the load than before it", grown>>20)
	}
}
