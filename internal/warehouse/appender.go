package warehouse

import (
	"context"
	"database/sql/driver"
	"fmt"
	"runtime/debug"
	"time"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Appender bulk-loads rows into one table inside a Tx through DuckDB's appender (never row-by-row
// INSERTs). Rows become visible to the transaction when the Appender is closed; Update closes any
// Appender still open before it commits, and a rollback discards everything appended.
type Appender struct {
	app    *duckdb.Appender
	bulk   bulkSink // set instead of app for a BulkAppender built with Arrow
	table  string
	rows   int64
	closed bool
	row    []driver.Value // the row being built by the typed methods (Appender path)
}

// Appender opens an appender on schema.table with the given columns in order (nil: all columns in
// table order). Values passed to Append must be nil, bool, int64, int32, float64, string, []byte or
// time.Time, matching the column types.
func (tx *Tx) Appender(ctx context.Context, schema, table string, columns []string) (*Appender, error) {
	var app *duckdb.Appender
	err := tx.conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		var err error
		if len(columns) == 0 {
			app, err = duckdb.NewAppender(c, "", schema, table)
		} else {
			app, err = duckdb.NewAppenderWithColumns(c, "", schema, table, columns)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("opening appender on %s.%s: %w", schema, table, err)
	}
	a := &Appender{app: app, table: schema + "." + table}
	tx.appenders = append(tx.appenders, a)
	return a, nil
}

// Append adds one row.
func (a *Appender) Append(values ...driver.Value) error {
	if a.bulk != nil {
		if err := a.bulk.append(values); err != nil {
			return fmt.Errorf("appending to %s: %w", a.table, err)
		}
		a.rows++
		return nil
	}
	if err := a.app.AppendRow(values...); err != nil {
		return fmt.Errorf("appending to %s: %w", a.table, err)
	}
	a.rows++
	return nil
}

// String, Null, Float64, Int64, Bool and Time append one row value by value, in column order, and
// EndRow ends it: the same rows as Append without boxing each value in an interface (on the Arrow
// path the values go straight into the batch's column buffers), for the hot loops of large loads.
// A value whose type does not fit its column, or a row with too few or too many values, fails at
// EndRow and appends nothing of that row. Do not mix with Append within one row.
func (a *Appender) String(v string) {
	if a.bulk != nil {
		a.bulk.putString(v)
		return
	}
	a.row = append(a.row, v)
}

// Null appends a NULL (see String).
func (a *Appender) Null() {
	if a.bulk != nil {
		a.bulk.putNull()
		return
	}
	a.row = append(a.row, nil)
}

// Float64 appends a DOUBLE (see String).
func (a *Appender) Float64(v float64) {
	if a.bulk != nil {
		a.bulk.putFloat64(v)
		return
	}
	a.row = append(a.row, v)
}

// Int64 appends a BIGINT or INTEGER (see String).
func (a *Appender) Int64(v int64) {
	if a.bulk != nil {
		a.bulk.putInt64(v)
		return
	}
	a.row = append(a.row, v)
}

// Bool appends a BOOLEAN (see String).
func (a *Appender) Bool(v bool) {
	if a.bulk != nil {
		a.bulk.putBool(v)
		return
	}
	a.row = append(a.row, v)
}

// Time appends a DATE (the date of v in its location) or a TIMESTAMP (see String).
func (a *Appender) Time(v time.Time) {
	if a.bulk != nil {
		a.bulk.putTime(v)
		return
	}
	a.row = append(a.row, v)
}

// EndRow ends the row begun by String, Null, Float64, Int64, Bool or Time.
func (a *Appender) EndRow() error {
	if a.bulk != nil {
		if err := a.bulk.endRow(); err != nil {
			return fmt.Errorf("appending to %s: %w", a.table, err)
		}
		a.rows++
		return nil
	}
	row := a.row
	a.row = a.row[:0]
	return a.Append(row...)
}

// Rows returns the number of rows appended so far.
func (a *Appender) Rows() int64 { return a.rows }

// Close flushes the rows into the transaction. It is safe to call more than once.
func (a *Appender) Close() error {
	if a.closed {
		return nil
	}
	a.closed = true
	defer a.returnMemory()
	if a.bulk != nil {
		if err := a.bulk.close(); err != nil {
			return fmt.Errorf("flushing rows into %s: %w", a.table, err)
		}
		return nil
	}
	if err := a.app.Close(); err != nil {
		return fmt.Errorf("flushing rows into %s: %w", a.table, err)
	}
	return nil
}

// returnMemory collects the garbage of a large load and returns it to the operating system. A
// 2-million-row load leaves a few hundred MB of dead batches on the Go heap; the collector only
// runs again when the heap grows to twice what was live at the last collection, which the model
// builds that follow (DuckDB's memory, not Go's) may never make it do, so in about one national
// build in four those MB stayed resident to the end and the build's peak passed 1.5 GiB. One
// collection of a small live heap costs milliseconds.
func (a *Appender) returnMemory() {
	if a.rows >= BulkBatchRows {
		debug.FreeOSMemory()
	}
}

// bulkSink is a bulk path other than DuckDB's appender (Arrow record batches, when built with the
// duckdb_arrow tag).
type bulkSink interface {
	append(values []driver.Value) error
	// put… append one value of the current row, endRow ends it (see Appender.String).
	putString(v string)
	putNull()
	putFloat64(v float64)
	putInt64(v int64)
	putBool(v bool)
	putTime(v time.Time)
	endRow() error
	// close flushes what is buffered and waits for the load to finish.
	close() error
	// abort stops the load without committing what is buffered; close then returns an error.
	abort()
}

// BulkAppender opens the fastest bulk path on schema.table with the given columns, in order. Built
// with the duckdb_arrow tag, rows are gathered into Arrow record batches of BulkBatchRows rows and
// streamed into one INSERT … SELECT running on the transaction's connection (DuckDB's own parallel
// writer); otherwise it is an Appender. Until it
// is closed, the transaction must not be used for anything else and no other BulkAppender may be
// open on it. Values are those Appender takes.
func (tx *Tx) BulkAppender(ctx context.Context, schema, table string, columns []Column) (*Appender, error) {
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = c.Name
	}
	sink, err := tx.openBulk(ctx, schema, table, columns)
	if err != nil {
		return nil, fmt.Errorf("opening bulk load into %s.%s: %w", schema, table, err)
	}
	if sink == nil {
		return tx.Appender(ctx, schema, table, names)
	}
	a := &Appender{bulk: sink, table: schema + "." + table}
	tx.appenders = append(tx.appenders, a)
	return a, nil
}

// BulkBatchRows is the number of rows in each Arrow record batch of a BulkAppender: DuckDB's row
// group size. DuckDB's ordered (batch) insert writes a batch of a full row group straight to disk,
// compressed, on the thread that read it; smaller batches are gathered in memory and appended a
// second time when merged, mostly on one thread after the stream has ended (measured on the
// 360Giving CSV: 16k-row batches cost a quarter more CPU and left DuckDB working alone for
// seconds after Go had finished).
const BulkBatchRows = 122880
