//go:build duckdb_arrow

package warehouse

import (
	"fmt"
	"math/bits"
	"time"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// colKind is the Arrow layout of a bulk column.
type colKind uint8

const (
	colString    colKind = iota // VARCHAR: utf8, int32 offsets
	colFloat64                  // DOUBLE
	colInt64                    // BIGINT
	colInt32                    // INTEGER
	colBool                     // BOOLEAN
	colDate32                   // DATE: days since 1970-01-01
	colTimestamp                // TIMESTAMP: microseconds since 1970-01-01 00:00 UTC
)

var colKindSQL = [...]string{colString: "VARCHAR", colFloat64: "DOUBLE", colInt64: "BIGINT", colInt32: "INTEGER",
	colBool: "BOOLEAN", colDate32: "DATE", colTimestamp: "TIMESTAMP"}

// maxBatchBytes is the most text a string column gathers before its batch is sent early (int32
// offsets address at most 2 GiB).
const maxBatchBytes = 1 << 30

// column gathers one column of a record batch in plain Go slices, wrapped as Arrow buffers when
// the batch is sent (cheaper per value than arrow-go's builders). A sent batch's slices are never
// written again: each batch gets new ones.
type column struct {
	kind  colKind
	valid []byte // validity bitmap, LSB first
	nulls int
	off   []int32 // colString: row i is data[off[i]:off[i+1]]
	data  []byte  // colString: the text; colBool: the value bitmap
	f64   []float64
	i64   []int64 // colInt64, colTimestamp
	i32   []int32 // colInt32, colDate32
}

func newColumn(kind colKind, rows int, textBytes int) column {
	c := column{kind: kind, valid: make([]byte, 0, (rows+7)/8)}
	switch kind {
	case colString:
		c.off = make([]int32, 1, rows+1)
		c.data = make([]byte, 0, textBytes)
	case colFloat64:
		c.f64 = make([]float64, 0, rows)
	case colInt64, colTimestamp:
		c.i64 = make([]int64, 0, rows)
	case colInt32, colDate32:
		c.i32 = make([]int32, 0, rows)
	case colBool:
		c.data = make([]byte, 0, (rows+7)/8)
	}
	return c
}

// setBit sets bit n of a bitmap holding n bits so far (growing it by a byte every 8 bits).
func setBit(bm []byte, n int, v bool) []byte {
	if n&7 == 0 {
		bm = append(bm, 0)
	}
	if v {
		bm[n>>3] |= 1 << (n & 7)
	}
	return bm
}

// null appends a NULL as row n.
func (c *column) null(n int) {
	c.valid = setBit(c.valid, n, false)
	c.nulls++
	switch c.kind {
	case colString:
		c.off = append(c.off, int32(len(c.data)))
	case colFloat64:
		c.f64 = append(c.f64, 0)
	case colInt64, colTimestamp:
		c.i64 = append(c.i64, 0)
	case colInt32, colDate32:
		c.i32 = append(c.i32, 0)
	case colBool:
		c.data = setBit(c.data, n, false)
	}
}

func (c *column) str(n int, v string) {
	c.valid = setBit(c.valid, n, true)
	c.data = append(c.data, v...)
	c.off = append(c.off, int32(len(c.data)))
}

// truncate drops rows from n on (a row that failed half-way).
func (c *column) truncate(n int) {
	c.valid = c.valid[:(n+7)/8]
	if n&7 != 0 {
		c.valid[n>>3] &= byte(1)<<(n&7) - 1
	}
	set := 0
	for _, b := range c.valid {
		set += bits.OnesCount8(b)
	}
	c.nulls = n - set
	switch c.kind {
	case colString:
		c.off = c.off[:n+1]
		c.data = c.data[:c.off[n]]
	case colFloat64:
		c.f64 = c.f64[:n]
	case colInt64, colTimestamp:
		c.i64 = c.i64[:n]
	case colInt32, colDate32:
		c.i32 = c.i32[:n]
	case colBool:
		c.data = c.data[:(n+7)/8]
		if n&7 != 0 {
			c.data[n>>3] &= byte(1)<<(n&7) - 1
		}
	}
}

// array wraps the column's n rows as an Arrow array of type dt.
func (c *column) array(dt arrow.DataType, n int) arrow.Array {
	var validity *memory.Buffer
	if c.nulls > 0 {
		validity = memory.NewBufferBytes(c.valid)
	}
	bufs := []*memory.Buffer{validity}
	switch c.kind {
	case colString:
		bufs = append(bufs, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(c.off)), memory.NewBufferBytes(c.data))
	case colFloat64:
		bufs = append(bufs, memory.NewBufferBytes(arrow.Float64Traits.CastToBytes(c.f64)))
	case colInt64, colTimestamp:
		bufs = append(bufs, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(c.i64)))
	case colInt32, colDate32:
		bufs = append(bufs, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(c.i32)))
	case colBool:
		bufs = append(bufs, memory.NewBufferBytes(c.data))
	}
	d := array.NewData(dt, n, bufs, nil, c.nulls, 0)
	defer d.Release()
	return array.MakeFromData(d)
}

// daysSinceEpoch is the day number of a civil date (proleptic Gregorian; 1970-01-01 is 0), the
// same as time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix()/86400.
func daysSinceEpoch(y int, m time.Month, d int) int64 {
	yy := int64(y)
	if m <= 2 {
		yy--
	}
	era := yy / 400
	if yy < 0 && yy%400 != 0 {
		era--
	}
	yoe := yy - era*400
	mp := (int64(m) + 9) % 12
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// wrongType is the error for a value that does not fit its column.
func wrongType(kind colKind, v any) error {
	return fmt.Errorf("%T for %s", v, colKindSQL[kind])
}
