package warehouse

import (
	"context"
	"fmt"
	"regexp"
)

var typeRe = regexp.MustCompile(`^(VARCHAR|BIGINT|INTEGER|DOUBLE|DATE|BOOLEAN|TIMESTAMPTZ|TIMESTAMP|HUGEINT|DECIMAL\(\d{1,2},\d{1,2}\))$`)

// TableStat is a table's row count and a content hash that is independent of row order but counts
// duplicate rows, so two states compare equal only when they hold the same multiset of rows.
type TableStat struct {
	Schema string
	Table  string
	Rows   int64
	Hash   string
}

// LedgerTables are the meta tables that record runs rather than hold data: a failed run adds a row
// to them by design, so invariants ("a failed load changes nothing") exclude them.
var LedgerTables = map[string]bool{
	"meta.runs": true, "meta.loads": true, "meta.test_results": true, "meta.source_state": true,
}

// TableStats returns the row count and content hash of every base table in the raw, core, marts and
// meta schemas, ordered by schema and name.
func (db *DB) TableStats(ctx context.Context) ([]TableStat, error) {
	rows, err := db.Query(ctx, `SELECT table_schema, table_name FROM information_schema.tables
		WHERE table_type = 'BASE TABLE' AND table_schema IN ('raw', 'core', 'marts', 'meta')
		ORDER BY table_schema, table_name`)
	if err != nil {
		return nil, fmt.Errorf("listing tables: %w", err)
	}
	var out []TableStat
	for rows.Next() {
		var s TableStat
		if err := rows.Scan(&s.Schema, &s.Table); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		q := "SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR FROM " + Qualified(out[i].Schema, out[i].Table) + " t"
		if err := db.QueryRow(ctx, q).Scan(&out[i].Rows, &out[i].Hash); err != nil {
			return nil, fmt.Errorf("hashing %s.%s: %w", out[i].Schema, out[i].Table, err)
		}
	}
	return out, nil
}
