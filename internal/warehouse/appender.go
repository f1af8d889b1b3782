package warehouse

import (
	"context"
	"database/sql/driver"
	"fmt"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Appender bulk-loads rows into one table inside a Tx through DuckDB's appender (never row-by-row
// INSERTs). Rows become visible to the transaction when the Appender is closed; Update closes any
// Appender still open before it commits, and a rollback discards everything appended.
type Appender struct {
	app    *duckdb.Appender
	table  string
	rows   int64
	closed bool
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
	if err := a.app.AppendRow(values...); err != nil {
		return fmt.Errorf("appending to %s: %w", a.table, err)
	}
	a.rows++
	return nil
}

// Rows returns the number of rows appended so far.
func (a *Appender) Rows() int64 { return a.rows }

// Close flushes the rows into the transaction. It is safe to call more than once.
func (a *Appender) Close() error {
	if a.closed {
		return nil
	}
	a.closed = true
	if err := a.app.Close(); err != nil {
		return fmt.Errorf("flushing rows into %s: %w", a.table, err)
	}
	return nil
}
