//go:build duckdb_arrow

package warehouse

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	duckdb "github.com/duckdb/duckdb-go/v2"
)

// ArrowBulk reports whether BulkAppender streams Arrow record batches (built with the
// duckdb_arrow tag) rather than falling back to the Appender.
const ArrowBulk = true

// errBulkAborted ends a bulk load that was abandoned before it was closed.
var errBulkAborted = errors.New("bulk load abandoned")

var bulkViews atomic.Int64

// arrowBulk gathers rows into record batches and hands them to an INSERT … SELECT that reads them
// as an Arrow stream. The INSERT runs on its own goroutine (on the transaction's connection) from
// the first full batch until close, so Go reading the file and DuckDB writing overlap on two cores.
type arrowBulk struct {
	tx     *Tx
	ctx    context.Context
	query  string
	schema *arrow.Schema
	cols   []column // the batch being gathered
	n      int      // its complete rows
	cur    int      // the column the next value of the current row goes to
	rowErr error    // the current row's first bad value
	full   bool     // a string column holds maxBatchBytes: send the batch after this row

	started bool
	aborted bool
	batches chan arrow.RecordBatch // unbuffered: at most one full batch waits for DuckDB
	stop    chan struct{}          // closed on abort
	done    chan error             // the INSERT's result
	once    sync.Once
}

// openBulk returns the Arrow path, or nil (use the Appender) when a column type has no mapping.
func (tx *Tx) openBulk(ctx context.Context, schema, table string, columns []Column) (bulkSink, error) {
	fields := make([]arrow.Field, len(columns))
	names := make([]string, len(columns))
	cols := make([]column, len(columns))
	for i, c := range columns {
		var t arrow.DataType
		var k colKind
		switch strings.ToUpper(c.Type) {
		case "VARCHAR":
			t, k = arrow.BinaryTypes.String, colString
		case "DOUBLE":
			t, k = arrow.PrimitiveTypes.Float64, colFloat64
		case "BIGINT":
			t, k = arrow.PrimitiveTypes.Int64, colInt64
		case "INTEGER":
			t, k = arrow.PrimitiveTypes.Int32, colInt32
		case "BOOLEAN":
			t, k = arrow.FixedWidthTypes.Boolean, colBool
		case "DATE":
			t, k = arrow.FixedWidthTypes.Date32, colDate32
		case "TIMESTAMP":
			t, k = arrow.FixedWidthTypes.Timestamp_us, colTimestamp
		default:
			return nil, nil
		}
		fields[i] = arrow.Field{Name: c.Name, Type: t, Nullable: true}
		names[i] = Ident(c.Name)
		cols[i] = newColumn(k, BulkBatchRows, 0)
	}
	sch := arrow.NewSchema(fields, nil)
	view := fmt.Sprintf("cornerstone_bulk_%d", bulkViews.Add(1))
	return &arrowBulk{
		tx: tx, ctx: ctx, schema: sch, cols: cols,
		query:   "INSERT INTO " + Qualified(schema, table) + " (" + strings.Join(names, ", ") + ") SELECT * FROM " + Ident(view),
		batches: make(chan arrow.RecordBatch),
		stop:    make(chan struct{}),
		done:    make(chan error, 1),
	}, nil
}

func (b *arrowBulk) viewName() string {
	q := b.query[strings.LastIndex(b.query, " ")+1:]
	return strings.Trim(q, `"`)
}

// col returns the column the next value of the row goes to, or nil when the row has too many.
func (b *arrowBulk) col() *column {
	i := b.cur
	b.cur++
	if i >= len(b.cols) {
		return nil
	}
	return &b.cols[i]
}

// fail records the current row's first bad value (in the column last returned by col).
func (b *arrowBulk) fail(err error) {
	if b.rowErr == nil {
		b.rowErr = fmt.Errorf("column %s: %w", b.schema.Field(b.cur-1).Name, err)
	}
}

func (b *arrowBulk) putNull() {
	if c := b.col(); c != nil {
		c.null(b.n)
	}
}

func (b *arrowBulk) putString(v string) {
	c := b.col()
	switch {
	case c == nil:
	case c.kind != colString:
		b.fail(wrongType(c.kind, v))
	default:
		c.str(b.n, v)
		if len(c.data) >= maxBatchBytes {
			b.full = true
		}
	}
}

func (b *arrowBulk) putFloat64(v float64) {
	c := b.col()
	switch {
	case c == nil:
	case c.kind != colFloat64:
		b.fail(wrongType(c.kind, v))
	default:
		c.valid = setBit(c.valid, b.n, true)
		c.f64 = append(c.f64, v)
	}
}

func (b *arrowBulk) putInt64(v int64) {
	c := b.col()
	if c == nil {
		return
	}
	switch c.kind {
	case colInt64:
		c.i64 = append(c.i64, v)
	case colFloat64:
		c.f64 = append(c.f64, float64(v))
	case colInt32:
		if v != int64(int32(v)) {
			b.fail(fmt.Errorf("%d out of range for INTEGER", v))
			return
		}
		c.i32 = append(c.i32, int32(v))
	default:
		b.fail(wrongType(c.kind, v))
		return
	}
	c.valid = setBit(c.valid, b.n, true)
}

func (b *arrowBulk) putInt32(v int32) {
	c := b.col()
	if c == nil {
		return
	}
	switch c.kind {
	case colInt64:
		c.i64 = append(c.i64, int64(v))
	case colInt32:
		c.i32 = append(c.i32, v)
	default:
		b.fail(wrongType(c.kind, v))
		return
	}
	c.valid = setBit(c.valid, b.n, true)
}

func (b *arrowBulk) putBool(v bool) {
	c := b.col()
	switch {
	case c == nil:
	case c.kind != colBool:
		b.fail(wrongType(c.kind, v))
	default:
		c.valid = setBit(c.valid, b.n, true)
		c.data = setBit(c.data, b.n, v)
	}
}

func (b *arrowBulk) putTime(v time.Time) {
	c := b.col()
	if c == nil {
		return
	}
	switch c.kind {
	case colDate32:
		y, m, d := v.Date()
		c.i32 = append(c.i32, int32(daysSinceEpoch(y, m, d)))
	case colTimestamp:
		c.i64 = append(c.i64, v.UnixMicro())
	default:
		b.fail(wrongType(c.kind, v))
		return
	}
	c.valid = setBit(c.valid, b.n, true)
}

// endRow ends the current row: on a bad or missing value it drops what the row appended and
// returns the error; a full batch is sent.
func (b *arrowBulk) endRow() error {
	if b.cur != len(b.cols) && b.rowErr == nil {
		b.rowErr = fmt.Errorf("%d values for %d columns", b.cur, len(b.cols))
	}
	b.cur = 0
	if err := b.rowErr; err != nil {
		b.rowErr = nil
		for i := range b.cols {
			b.cols[i].truncate(b.n)
		}
		return err
	}
	b.n++
	if b.n == BulkBatchRows || b.full {
		return b.flush()
	}
	return nil
}

// append adds one row of Appender-style values.
func (b *arrowBulk) append(values []driver.Value) error {
	if len(values) != len(b.cols) {
		return fmt.Errorf("%d values for %d columns", len(values), len(b.cols))
	}
	for _, v := range values {
		switch x := v.(type) {
		case nil:
			b.putNull()
		case string:
			b.putString(x)
		case []byte:
			b.putString(string(x))
		case float64:
			b.putFloat64(x)
		case int64:
			b.putInt64(x)
		case int32:
			b.putInt32(x)
		case bool:
			b.putBool(x)
		case time.Time:
			b.putTime(x)
		default:
			if c := b.col(); c != nil {
				b.fail(wrongType(c.kind, v))
			}
		}
	}
	return b.endRow()
}

// flush sends the batch built so far to the INSERT, starting it on the first batch.
func (b *arrowBulk) flush() error {
	if b.aborted {
		return errBulkAborted
	}
	if b.n == 0 {
		return nil
	}
	arrs := make([]arrow.Array, len(b.cols))
	for i := range b.cols {
		arrs[i] = b.cols[i].array(b.schema.Field(i).Type, b.n)
	}
	rec := array.NewRecordBatch(b.schema, arrs, int64(b.n))
	for i, a := range arrs {
		a.Release()
		c := &b.cols[i]
		*c = newColumn(c.kind, BulkBatchRows, len(c.data)+len(c.data)/8)
	}
	b.n, b.full = 0, false
	if !b.started {
		b.started = true
		go b.run()
	}
	select {
	case b.batches <- rec:
		return nil
	case err := <-b.done:
		rec.Release()
		b.done <- err // keep it for close
		if err == nil {
			err = errors.New("the bulk insert ended early")
		}
		return err
	}
}

// run executes the INSERT reading the stream; it returns when the stream ends or fails.
func (b *arrowBulk) run() {
	rr := &chanReader{schema: b.schema, batches: b.batches, stop: b.stop}
	rr.refs.Store(1)
	err := b.tx.conn.Raw(func(dc any) error {
		c, ok := dc.(driver.Conn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		ar, err := duckdb.NewArrowFromConn(c)
		if err != nil {
			return err
		}
		release, err := ar.RegisterView(rr, b.viewName())
		if err != nil {
			return err
		}
		defer release()
		ex, ok := c.(driver.ExecerContext)
		if !ok {
			return fmt.Errorf("driver connection %T cannot execute", dc)
		}
		if _, err := ex.ExecContext(b.ctx, b.query, nil); err != nil {
			return err
		}
		_, err = ex.ExecContext(b.ctx, "DROP VIEW IF EXISTS "+Ident(b.viewName()), nil)
		return err
	})
	if rr.err != nil && err != nil {
		err = fmt.Errorf("%w (%w)", rr.err, err)
	}
	// Drain what the producer may still send so it never blocks.
	go func() {
		for rec := range b.batches {
			rec.Release()
		}
	}()
	b.done <- err
}

func (b *arrowBulk) close() error {
	wasAborted := b.aborted
	var err error
	if !wasAborted {
		err = b.flush()
	}
	if wasAborted || err != nil {
		b.abort()
	} else {
		b.once.Do(func() { close(b.batches) })
	}
	b.aborted = true // nothing more may be sent
	b.cols = nil
	if b.started {
		if e := <-b.done; err == nil {
			err = e
		}
	}
	if wasAborted && err == nil {
		err = errBulkAborted
	}
	return err
}

// abort ends the stream with an error, so the INSERT fails and writes nothing; close still waits
// for it.
func (b *arrowBulk) abort() {
	b.aborted = true
	b.once.Do(func() {
		close(b.stop)
		close(b.batches)
	})
}

// chanReader is an array.RecordReader over the batches sent on a channel.
type chanReader struct {
	schema  *arrow.Schema
	batches chan arrow.RecordBatch
	stop    chan struct{}
	cur     arrow.RecordBatch
	err     error
	refs    atomic.Int64
}

func (r *chanReader) Retain() { r.refs.Add(1) }
func (r *chanReader) Release() {
	if r.refs.Add(-1) == 0 && r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
}
func (r *chanReader) Schema() *arrow.Schema { return r.schema }
func (r *chanReader) Next() bool {
	if r.cur != nil {
		r.cur.Release()
		r.cur = nil
	}
	select {
	case <-r.stop:
		r.err = errBulkAborted
		return false
	default:
	}
	rec, ok := <-r.batches
	if !ok {
		select {
		case <-r.stop:
			r.err = errBulkAborted
		default:
		}
		return false
	}
	r.cur = rec
	return true
}
func (r *chanReader) RecordBatch() arrow.RecordBatch { return r.cur }
func (r *chanReader) Record() arrow.RecordBatch      { return r.cur }
func (r *chanReader) Err() error                     { return r.err }
