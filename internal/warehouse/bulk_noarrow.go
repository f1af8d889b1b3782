//go:build !duckdb_arrow

package warehouse

import "context"

// ArrowBulk reports whether BulkAppender streams Arrow record batches (built with the
// duckdb_arrow tag) rather than falling back to the Appender.
const ArrowBulk = false

// openBulk has no Arrow path without the duckdb_arrow tag: BulkAppender falls back to Appender.
func (tx *Tx) openBulk(ctx context.Context, schema, table string, columns []Column) (bulkSink, error) {
	return nil, nil
}
