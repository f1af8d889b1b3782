package warehouse

import (
	"context"
	"fmt"
)

// ExportParquet writes every row of schema.table to path as a Parquet file (zstd-compressed),
// ordered by all columns so the same table always gives the same bytes. It reads only, so it works
// on a warehouse opened read-only; path is overwritten.
func (db *DB) ExportParquet(ctx context.Context, schema, table, path string) error {
	if err := CheckIdent(schema); err != nil {
		return err
	}
	if err := CheckIdent(table); err != nil {
		return err
	}
	q := fmt.Sprintf("COPY (SELECT * FROM %s ORDER BY ALL) TO %s (FORMAT parquet, COMPRESSION zstd)",
		Qualified(schema, table), Literal(path))
	// One connection with insertion order preserved: the file's row groups follow the ORDER BY.
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return fmt.Errorf("exporting %s.%s: %w", schema, table, err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("exporting %s.%s to Parquet: %w", schema, table, err)
	}
	return nil
}
