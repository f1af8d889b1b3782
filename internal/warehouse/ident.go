package warehouse

import (
	"fmt"
	"regexp"
	"strings"
)

var identRe = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// Ident quotes any string as a DuckDB identifier. It is the one place identifiers are quoted: SQL is
// never built by concatenating unquoted input.
func Ident(name string) string {
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
}

// Qualified quotes schema.name.
func Qualified(schema, name string) string {
	return Ident(schema) + "." + Ident(name)
}

// Literal quotes s as a SQL string literal. Use bound parameters wherever DuckDB accepts them; this is
// for the few places it does not (COPY targets, PRAGMA arguments).
func Literal(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// CheckIdent returns ErrBadIdentifier unless name is a plain lower-case identifier. Project-defined
// names (schemas, tables, columns) must pass it.
func CheckIdent(name string) error {
	if !identRe.MatchString(name) {
		return fmt.Errorf("checking identifier %q: %w", name, ErrBadIdentifier)
	}
	return nil
}

// SplitQualified splits "schema.table" into its parts and checks both.
func SplitQualified(qname string) (schema, table string, err error) {
	schema, table, ok := strings.Cut(qname, ".")
	if !ok {
		return "", "", fmt.Errorf("splitting %q: want schema.table: %w", qname, ErrBadIdentifier)
	}
	if err := CheckIdent(schema); err != nil {
		return "", "", err
	}
	if err := CheckIdent(table); err != nil {
		return "", "", err
	}
	return schema, table, nil
}
