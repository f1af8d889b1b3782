package warehouse

import (
	"context"
	"fmt"
	"strings"
)

// Column declares one column: a plain identifier and a DuckDB type ("VARCHAR", "BIGINT", "DOUBLE",
// "DATE", "BOOLEAN", "TIMESTAMPTZ", "INTEGER").
type Column struct {
	Name string
	Type string
	// Doc is a one-line description shown by `cornerstone sources --tables`.
	Doc string
}

// Table declares a table a source or model owns.
type Table struct {
	Schema  string
	Name    string
	Columns []Column
	Doc     string
}

// String returns schema.name.
func (t Table) String() string { return t.Schema + "." + t.Name }

// ColumnNames returns the declared column names in order.
func (t Table) ColumnNames() []string {
	out := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = c.Name
	}
	return out
}

// Check validates every identifier and type in the declaration.
func (t Table) Check() error {
	if err := CheckIdent(t.Schema); err != nil {
		return err
	}
	if err := CheckIdent(t.Name); err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, c := range t.Columns {
		if err := CheckIdent(c.Name); err != nil {
			return fmt.Errorf("table %s: %w", t, err)
		}
		if seen[c.Name] {
			return fmt.Errorf("table %s: column %s declared twice", t, c.Name)
		}
		seen[c.Name] = true
		if !typeRe.MatchString(c.Type) {
			return fmt.Errorf("table %s column %s: type %q is not allowed", t, c.Name, c.Type)
		}
	}
	return nil
}

// EnsureTable creates the table when missing and adds declared columns it lacks (additive schema
// evolution). A column whose existing type differs from the declaration is ErrSchemaMismatch: that
// needs a deliberate migration, not a silent cast.
func (tx *Tx) EnsureTable(ctx context.Context, t Table) error {
	if err := t.Check(); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+Ident(t.Schema)); err != nil {
		return fmt.Errorf("creating schema %s: %w", t.Schema, err)
	}
	existing, err := tx.columns(ctx, t.Schema, t.Name)
	if err != nil {
		return err
	}
	if len(existing) == 0 {
		defs := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			defs[i] = Ident(c.Name) + " " + c.Type
		}
		_, err := tx.Exec(ctx, "CREATE TABLE "+Qualified(t.Schema, t.Name)+" ("+strings.Join(defs, ", ")+")")
		if err != nil {
			return fmt.Errorf("creating table %s: %w", t, err)
		}
		return nil
	}
	for _, c := range t.Columns {
		typ, ok := existing[c.Name]
		if !ok {
			if _, err := tx.Exec(ctx, "ALTER TABLE "+Qualified(t.Schema, t.Name)+" ADD COLUMN "+Ident(c.Name)+" "+c.Type); err != nil {
				return fmt.Errorf("adding column %s to %s: %w", c.Name, t, err)
			}
			continue
		}
		if !sameType(typ, c.Type) {
			return fmt.Errorf("table %s column %s is %s, declared %s: %w", t, c.Name, typ, c.Type, ErrSchemaMismatch)
		}
	}
	return nil
}

func (tx *Tx) columns(ctx context.Context, schema, table string) (map[string]string, error) {
	rows, err := tx.Query(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = ? AND table_name = ?`, schema, table)
	if err != nil {
		return nil, fmt.Errorf("reading columns of %s.%s: %w", schema, table, err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, typ string
		if err := rows.Scan(&name, &typ); err != nil {
			return nil, err
		}
		out[name] = typ
	}
	return out, rows.Err()
}

var typeAliases = map[string]string{
	"INT": "INTEGER", "INT4": "INTEGER", "INT8": "BIGINT", "LONG": "BIGINT", "FLOAT8": "DOUBLE",
	"TEXT": "VARCHAR", "STRING": "VARCHAR", "BOOL": "BOOLEAN", "TIMESTAMP WITH TIME ZONE": "TIMESTAMPTZ",
}

func sameType(a, b string) bool {
	norm := func(s string) string {
		s = strings.ToUpper(strings.TrimSpace(s))
		if v, ok := typeAliases[s]; ok {
			return v
		}
		return s
	}
	return norm(a) == norm(b)
}
