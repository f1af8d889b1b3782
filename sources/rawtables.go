package sources

import (
	"context"
	"fmt"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// RawTables returns the raw tables of every registered source with their lineage columns, in
// registry order: the tables the warehouse creates, empty, when it is migrated
// (warehouse.Options.Tables), so that no ingest or discovery has to create one.
func RawTables() []warehouse.Table {
	var out []warehouse.Table
	for _, s := range All() {
		for _, t := range s.Info().Tables {
			out = append(out, WithLineage(t))
		}
	}
	return out
}

// Loaded reports whether the raw table (schema.name) holds what models may read: whether the
// source that writes it, or any source of its Family, has loaded a release, that is whether one of
// their raw tables holds a row (a load that commits always writes rows). A table no registered
// source writes is loaded when it exists.
func Loaded(ctx context.Context, db *warehouse.DB, table string) (bool, error) {
	owner, ok := Tables()[table]
	if !ok {
		schema, name, err := warehouse.SplitQualified(table)
		if err != nil {
			return false, err
		}
		return exists(ctx, db, schema, name)
	}
	src, err := Lookup(owner)
	if err != nil {
		return false, err
	}
	family := src.Info().Family
	for _, s := range All() {
		info := s.Info()
		if info.ID != owner && (family == "" || info.Family != family) {
			continue
		}
		for _, t := range info.Tables {
			ok, err := exists(ctx, db, t.Schema, t.Name)
			if err != nil {
				return false, err
			}
			if !ok {
				continue
			}
			var rows bool
			if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM `+warehouse.Qualified(t.Schema, t.Name)+`)`).Scan(&rows); err != nil {
				return false, fmt.Errorf("reading %s: %w", t, err)
			}
			if rows {
				return true, nil
			}
		}
	}
	return false, nil
}

func exists(ctx context.Context, db *warehouse.DB, schema, name string) (bool, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = ?`, schema, name).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("reading the catalogue: %w", err)
	}
	return n > 0, nil
}
