package sources

import (
	"context"
	"database/sql/driver"
	"fmt"
	"math"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/progress"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources/landing"
)

// Loader is what a Source's Load receives: the release, its landed files, and writers for the
// source's raw tables, all inside one transaction. Before Load runs, the rows any earlier load of
// the same dataset and vintage wrote are deleted, so a load replaces its release and never
// duplicates it (an Accumulator's Load supersedes what it restates instead, with Supersede).
type Loader struct {
	Release  Release
	Files    []landing.File
	LoadID   int64
	Progress progress.Reporter
	// Replace is Options.Replace: a return withdraws every held row of the organisations and
	// periods it covers (Supersede).
	Replace bool

	tx      *warehouse.Tx
	tables  map[string]warehouse.Table
	writers map[string]*Writer
	notes   []string
}

// Tx returns the load's transaction, for lookups and for bulk SQL (DuckDB's own scanners). Never
// commit or roll it back.
func (l *Loader) Tx() *warehouse.Tx { return l.tx }

// File returns the first landed file with the given role ("data" when empty).
func (l *Loader) File(role string) (landing.File, error) {
	if role == "" {
		role = "data"
	}
	for i, f := range l.Files {
		r := l.Release.Assets[i].Role
		if r == "" {
			r = "data"
		}
		if r == role {
			return f, nil
		}
	}
	return landing.File{}, fmt.Errorf("release %s has no %s file", l.Release.Key(), role)
}

// Notef records a warning that does not fail the load (for example a name that did not resolve);
// notes are kept in meta.loads.notes and printed in the summary.
func (l *Loader) Notef(format string, args ...any) {
	l.notes = append(l.notes, fmt.Sprintf(format, args...))
}

// Note records warnings already formatted, such as those of MissingOptional.
func (l *Loader) Note(notes ...string) { l.notes = append(l.notes, notes...) }

// Notes returns the warnings recorded so far.
func (l *Loader) Notes() []string { return l.notes }

// Lineage returns the values of the lineage columns other than _file, _sheet and _row, for bulk SQL
// inserts: _load_id, _dataset, _vintage.
func (l *Loader) Lineage() (loadID int64, dataset, vintage string) {
	return l.LoadID, l.Release.Dataset, l.Release.Vintage
}

// Writer returns the writer for one of the source's declared raw tables (by name, without the
// schema). The writer is closed when the load ends.
func (l *Loader) Writer(ctx context.Context, table string) (*Writer, error) {
	if w, ok := l.writers[table]; ok {
		return w, nil
	}
	t, ok := l.tables[table]
	if !ok {
		return nil, fmt.Errorf("table raw.%s is not declared by source %s", table, l.Release.Source)
	}
	full := WithLineage(t)
	app, err := l.tx.Appender(ctx, full.Schema, full.Name, full.ColumnNames())
	if err != nil {
		return nil, err
	}
	w := &Writer{app: app, l: l, ncols: len(t.Columns), table: t.String(), buf: make([]driver.Value, len(full.Columns))}
	l.writers[table] = w
	return w, nil
}

// BulkWriter returns a writer for one of the source's declared raw tables that takes the fastest
// bulk path (warehouse.BulkAppender: Arrow record batches streamed into DuckDB when built with the
// duckdb_arrow tag, else the Appender). It is for one large table written in one pass: until the
// writer is closed (Close, or the end of the load) the load must not use Tx or open another
// writer.
func (l *Loader) BulkWriter(ctx context.Context, table string) (*Writer, error) {
	if _, ok := l.writers[table]; ok {
		return nil, fmt.Errorf("raw.%s already has a writer", table)
	}
	t, ok := l.tables[table]
	if !ok {
		return nil, fmt.Errorf("table raw.%s is not declared by source %s", table, l.Release.Source)
	}
	full := WithLineage(t)
	app, err := l.tx.BulkAppender(ctx, full.Schema, full.Name, full.Columns)
	if err != nil {
		return nil, err
	}
	w := &Writer{app: app, l: l, ncols: len(t.Columns), table: t.String(), buf: make([]driver.Value, len(full.Columns))}
	l.writers[table] = w
	return w, nil
}

// Close flushes the writer's rows into the transaction; the load ends by closing every writer
// anyway.
func (w *Writer) Close() error { return w.app.Close() }

// Rows returns the rows written so far across all tables.
func (l *Loader) Rows() int64 {
	var n int64
	for _, w := range l.writers {
		n += w.app.Rows()
	}
	return n
}

// Writer appends rows to one raw table with the lineage columns filled in.
type Writer struct {
	app   *warehouse.Appender
	l     *Loader
	ncols int
	table string
	buf   []driver.Value
	n     int // values of the row being written by the typed methods
}

// Append writes one row: values in the declared column order, then where it came from. Values may
// be nil, string, bool, int, int64, float64 (NaN and ±Inf become NULL), time.Time, or pointers to
// these (nil pointer = NULL).
func (w *Writer) Append(file, sheet string, row int, values ...any) error {
	if len(values) != w.ncols {
		return fmt.Errorf("writing %s: %d values for %d columns", w.table, len(values), w.ncols)
	}
	for i, v := range values {
		dv, err := toValue(v)
		if err != nil {
			return fmt.Errorf("writing %s column %d: %w", w.table, i+1, err)
		}
		w.buf[i] = dv
	}
	w.buf[w.ncols] = w.l.LoadID
	w.buf[w.ncols+1] = w.l.Release.Dataset
	w.buf[w.ncols+2] = w.l.Release.Vintage
	w.buf[w.ncols+3] = file
	w.buf[w.ncols+4] = sheet
	w.buf[w.ncols+5] = int64(row)
	return w.app.Append(w.buf...)
}

// String, Null, Float64, Int64, Bool and Time write one row value by value, in the declared
// column order, and EndRow ends it with where it came from: the same row as Append with the same
// values, without boxing each value in an interface (for the hot loops of large files).
func (w *Writer) String(v string) { w.app.String(v); w.n++ }

// Null writes a NULL (see String).
func (w *Writer) Null() { w.app.Null(); w.n++ }

// Float64 writes a number; NaN and ±Inf become NULL (see String).
func (w *Writer) Float64(v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		w.app.Null()
	} else {
		w.app.Float64(v)
	}
	w.n++
}

// Int64 writes a whole number (see String).
func (w *Writer) Int64(v int64) { w.app.Int64(v); w.n++ }

// Bool writes a boolean (see String).
func (w *Writer) Bool(v bool) { w.app.Bool(v); w.n++ }

// Time writes a date or a timestamp (see String).
func (w *Writer) Time(v time.Time) { w.app.Time(v); w.n++ }

// EndRow ends the row begun by String, Null, Float64, Int64, Bool or Time, adding the lineage
// columns as Append does.
func (w *Writer) EndRow(file, sheet string, row int) error {
	n := w.n
	w.n = 0
	w.app.Int64(w.l.LoadID)
	w.app.String(w.l.Release.Dataset)
	w.app.String(w.l.Release.Vintage)
	w.app.String(file)
	w.app.String(sheet)
	w.app.Int64(int64(row))
	err := w.app.EndRow()
	if n != w.ncols {
		return fmt.Errorf("writing %s: %d values for %d columns", w.table, n, w.ncols)
	}
	return err
}

// Rows returns the rows appended so far.
func (w *Writer) Rows() int64 { return w.app.Rows() }

func toValue(v any) (driver.Value, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string, bool, int64, time.Time, []byte:
		return x, nil
	case int:
		return int64(x), nil
	case int32:
		return int64(x), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, nil
		}
		return x, nil
	case *string:
		if x == nil {
			return nil, nil
		}
		return *x, nil
	case *float64:
		if x == nil {
			return nil, nil
		}
		return toValue(*x)
	case *int64:
		if x == nil {
			return nil, nil
		}
		return *x, nil
	case *time.Time:
		if x == nil {
			return nil, nil
		}
		return *x, nil
	case *bool:
		if x == nil {
			return nil, nil
		}
		return *x, nil
	}
	return nil, fmt.Errorf("unsupported value type %T", v)
}
