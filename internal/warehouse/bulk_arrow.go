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
	"github.com/apache/arrow-go/v18/arrow/memory"
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
	tx      *Tx
	ctx     context.Context
	query   string
	schema  *arrow.Schema
	builder *array.RecordBuilder
	n       int

	started bool
	aborted bool
	batches chan arrow.RecordBatch
	stop    chan struct{} // closed on abort
	done    chan error    // the INSERT's result
	once    sync.Once
}

// openBulk returns the Arrow path, or nil (use the Appender) when a column type has no mapping.
func (tx *Tx) openBulk(ctx context.Context, schema, table string, columns []Column) (bulkSink, error) {
	fields := make([]arrow.Field, len(columns))
	names := make([]string, len(columns))
	for i, c := range columns {
		var t arrow.DataType
		switch strings.ToUpper(c.Type) {
		case "VARCHAR":
			t = arrow.BinaryTypes.String
		case "DOUBLE":
			t = arrow.PrimitiveTypes.Float64
		case "BIGINT":
			t = arrow.PrimitiveTypes.Int64
		case "INTEGER":
			t = arrow.PrimitiveTypes.Int32
		case "BOOLEAN":
			t = arrow.FixedWidthTypes.Boolean
		case "DATE":
			t = arrow.FixedWidthTypes.Date32
		case "TIMESTAMP":
			t = arrow.FixedWidthTypes.Timestamp_us
		default:
			return nil, nil
		}
		fields[i] = arrow.Field{Name: c.Name, Type: t, Nullable: true}
		names[i] = Ident(c.Name)
	}
	sch := arrow.NewSchema(fields, nil)
	view := fmt.Sprintf("cornerstone_bulk_%d", bulkViews.Add(1))
	return &arrowBulk{
		tx: tx, ctx: ctx, schema: sch,
		query:   "INSERT INTO " + Qualified(schema, table) + " (" + strings.Join(names, ", ") + ") SELECT * FROM " + Ident(view),
		builder: array.NewRecordBuilder(memory.NewGoAllocator(), sch),
		batches: make(chan arrow.RecordBatch, 2),
		stop:    make(chan struct{}),
		done:    make(chan error, 1),
	}, nil
}

func (b *arrowBulk) viewName() string {
	q := b.query[strings.LastIndex(b.query, " ")+1:]
	return strings.Trim(q, `"`)
}

func (b *arrowBulk) append(values []driver.Value) error {
	if len(values) != len(b.schema.Fields()) {
		return fmt.Errorf("%d values for %d columns", len(values), len(b.schema.Fields()))
	}
	for i, v := range values {
		if err := appendValue(b.builder.Field(i), v); err != nil {
			return fmt.Errorf("column %s: %w", b.schema.Field(i).Name, err)
		}
	}
	b.n++
	if b.n == BulkBatchRows {
		return b.flush()
	}
	return nil
}

// flush sends the batch built so far to the INSERT, starting it on the first batch.
func (b *arrowBulk) flush() error {
	if b.aborted {
		return errBulkAborted
	}
	if b.n == 0 {
		return nil
	}
	rec := b.builder.NewRecordBatch()
	b.n = 0
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
	b.builder.Release()
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

// appendValue appends one Appender-style value to a column builder.
func appendValue(fb array.Builder, v driver.Value) error {
	if v == nil {
		fb.AppendNull()
		return nil
	}
	switch b := fb.(type) {
	case *array.StringBuilder:
		switch x := v.(type) {
		case string:
			b.Append(x)
		case []byte:
			b.Append(string(x))
		default:
			return fmt.Errorf("%T for VARCHAR", v)
		}
	case *array.Float64Builder:
		switch x := v.(type) {
		case float64:
			b.Append(x)
		case int64:
			b.Append(float64(x))
		default:
			return fmt.Errorf("%T for DOUBLE", v)
		}
	case *array.Int64Builder:
		switch x := v.(type) {
		case int64:
			b.Append(x)
		case int32:
			b.Append(int64(x))
		default:
			return fmt.Errorf("%T for BIGINT", v)
		}
	case *array.Int32Builder:
		switch x := v.(type) {
		case int64:
			if x != int64(int32(x)) {
				return fmt.Errorf("%d out of range for INTEGER", x)
			}
			b.Append(int32(x))
		case int32:
			b.Append(x)
		default:
			return fmt.Errorf("%T for INTEGER", v)
		}
	case *array.BooleanBuilder:
		x, ok := v.(bool)
		if !ok {
			return fmt.Errorf("%T for BOOLEAN", v)
		}
		b.Append(x)
	case *array.Date32Builder:
		x, ok := v.(time.Time)
		if !ok {
			return fmt.Errorf("%T for DATE", v)
		}
		y, m, d := x.Date()
		days := time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
		b.Append(arrow.Date32(days))
	case *array.TimestampBuilder:
		x, ok := v.(time.Time)
		if !ok {
			return fmt.Errorf("%T for TIMESTAMP", v)
		}
		b.Append(arrow.Timestamp(x.UnixMicro()))
	default:
		return fmt.Errorf("no Arrow mapping for %T", fb)
	}
	return nil
}
