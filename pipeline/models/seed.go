package models

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io/fs"
	"strings"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// seedTypes are the column types a seed header may declare as "name:TYPE" (default VARCHAR).
var seedTypes = map[string]bool{"VARCHAR": true, "BIGINT": true, "INTEGER": true, "DOUBLE": true, "DATE": true, "BOOLEAN": true}

type seedColumn struct{ name, typ string }

// readSeed parses a seed CSV: a header of column names (optionally "name:TYPE"), then rows. Empty
// cells are NULL.
func readSeed(fsys fs.FS, path string) ([]seedColumn, [][]string, error) {
	b, err := fs.ReadFile(fsys, path)
	if err != nil {
		return nil, nil, err
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff"))))
	r.Comment = '#'
	recs, err := r.ReadAll()
	if err != nil {
		return nil, nil, fmt.Errorf("reading seed %s: %w", path, err)
	}
	if len(recs) == 0 {
		return nil, nil, fmt.Errorf("seed %s is empty", path)
	}
	var cols []seedColumn
	for _, h := range recs[0] {
		name, typ, ok := strings.Cut(strings.TrimSpace(h), ":")
		if !ok {
			typ = "VARCHAR"
		}
		typ = strings.ToUpper(typ)
		if err := warehouse.CheckIdent(name); err != nil {
			return nil, nil, fmt.Errorf("seed %s column %q: %w", path, h, err)
		}
		if !seedTypes[typ] {
			return nil, nil, fmt.Errorf("seed %s column %s: type %s not allowed", path, name, typ)
		}
		cols = append(cols, seedColumn{name, typ})
	}
	return cols, recs[1:], nil
}

// materialiseSeed loads a seed CSV into the model's table inside tx, casting declared types (a
// value that does not cast fails the build, naming the seed).
func materialiseSeed(ctx context.Context, tx *warehouse.Tx, fsys fs.FS, m *Model, limit0 bool) error {
	cols, rows, err := readSeed(fsys, m.SQL)
	if err != nil {
		return err
	}
	stage := "__seed_" + m.Table
	defs := make([]string, len(cols))
	sel := make([]string, len(cols))
	for i, c := range cols {
		defs[i] = warehouse.Ident(c.name) + " VARCHAR"
		sel[i] = "CAST(" + warehouse.Ident(c.name) + " AS " + c.typ + ") AS " + warehouse.Ident(c.name)
	}
	if _, err := tx.Exec(ctx, "CREATE OR REPLACE TABLE "+warehouse.Qualified(m.Schema, stage)+" ("+strings.Join(defs, ", ")+")"); err != nil {
		return err
	}
	if !limit0 {
		app, err := tx.Appender(ctx, m.Schema, stage, nil)
		if err != nil {
			return err
		}
		vals := make([]any, len(cols))
		for n, r := range rows {
			if len(r) != len(cols) {
				return fmt.Errorf("seed %s line %d: %d fields, header has %d", m.SQL, n+2, len(r), len(cols))
			}
			for i, v := range r {
				if v == "" {
					vals[i] = nil
				} else {
					vals[i] = v
				}
			}
			if err := app.Append(toDriver(vals)...); err != nil {
				return err
			}
		}
		if err := app.Close(); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, "CREATE OR REPLACE TABLE "+warehouse.Qualified(m.Schema, m.Table)+" AS SELECT "+strings.Join(sel, ", ")+" FROM "+warehouse.Qualified(m.Schema, stage)); err != nil {
		return fmt.Errorf("casting seed %s: %w", m.SQL, err)
	}
	_, err = tx.Exec(ctx, "DROP TABLE "+warehouse.Qualified(m.Schema, stage))
	return err
}
