package warehouse

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migrate applies every embedded migration not yet recorded in meta.schema_migrations, each in its
// own transaction, in file-name order (NNNN_name.sql), then creates the tables that do not exist,
// in one transaction.
func (db *DB) migrate(ctx context.Context, tables []Table) error {
	if _, err := db.sql.ExecContext(ctx, `CREATE SCHEMA IF NOT EXISTS meta;
		CREATE TABLE IF NOT EXISTS meta.schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ DEFAULT current_timestamp)`); err != nil {
		return fmt.Errorf("creating meta.schema_migrations: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := strings.TrimPrefix(name, "migrations/")
		num, _, ok := strings.Cut(base, "_")
		version, err := strconv.Atoi(num)
		if !ok || err != nil {
			return fmt.Errorf("migration %s: name must start with a number and an underscore", base)
		}
		var n int
		if err := db.sql.QueryRowContext(ctx, `SELECT count(*) FROM meta.schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
			return fmt.Errorf("reading meta.schema_migrations: %w", err)
		}
		if n > 0 {
			continue
		}
		body, err := migrations.ReadFile(name)
		if err != nil {
			return err
		}
		err = db.Update(ctx, func(tx *Tx) error {
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO meta.schema_migrations (version, name) VALUES (?, ?)`, version, base)
			return err
		})
		if err != nil {
			return fmt.Errorf("applying migration %s: %w", base, err)
		}
	}
	return db.createMissing(ctx, tables)
}

// createMissing creates each table that does not exist yet, all in one transaction.
func (db *DB) createMissing(ctx context.Context, tables []Table) error {
	if len(tables) == 0 {
		return nil
	}
	err := db.Update(ctx, func(tx *Tx) error {
		for _, t := range tables {
			ok, err := tx.TableExists(ctx, t.Schema, t.Name)
			if err != nil {
				return err
			}
			if !ok {
				if err := tx.EnsureTable(ctx, t); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("creating the declared tables: %w", err)
	}
	return nil
}
