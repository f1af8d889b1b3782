package models

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// Test severities.
const (
	SeverityError = "error"
	SeverityWarn  = "warn"
)

// Test is one data test declared beside a model. Its SQL returns the failing rows; no rows is a
// pass.
type Test struct {
	ID       string // model name + ":" + the spec, e.g. "core.population:unique(area_code, year, vintage)"
	Model    string
	Kind     string // unique, not_null, accepted_values, relationships, expect, row_count, min_rows
	Spec     string
	Severity string
	// SQL returns failing rows (for row_count: the comparison is done by the builder).
	SQL string
	// MaxDrop is the row_count test's largest allowed fall against the previous build (0..1).
	MaxDrop float64
	// Source is the freshness test's source id.
	Source string
}

var (
	testRe     = regexp.MustCompile(`^([a-z_]+)\((.*)\)(?:\s+severity=(warn|error))?$`)
	colListRe  = regexp.MustCompile(`^[a-z_][a-z0-9_]*(\s*,\s*[a-z_][a-z0-9_]*)*$`)
	relRe      = regexp.MustCompile(`^([a-z_][a-z0-9_]*)\s*->\s*([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)\.([a-z_][a-z0-9_]*)$`)
	acceptedRe = regexp.MustCompile(`^([a-z_][a-z0-9_]*)\s*:\s*(.+)$`)
	literalRe  = regexp.MustCompile(`'((?:[^']|'')*)'`)
	sourceIDRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
)

// ParseTest compiles one "-- test:" spec for model. Specs:
//
//	unique(col, col…)                      no two rows share the columns
//	not_null(col, col…)                    no NULLs in the columns
//	accepted_values(col: 'a', 'b', …)      col is NULL or one of the values
//	relationships(col -> schema.table.col) every non-NULL col exists in the other table
//	expect(SQL boolean expression)         every row satisfies it (reconciliations)
//	row_count(max_drop=0.5)                the table keeps at least half the rows of its previous build
//	min_rows(N)                            the table has at least N rows
//	freshness(source-id)                   the source is not stale against its release calendar
//
// Each may end with " severity=warn" (default error).
func ParseTest(model, spec string) (Test, error) {
	m := testRe.FindStringSubmatch(strings.TrimSpace(spec))
	if m == nil {
		return Test{}, fmt.Errorf("test %q: want kind(arguments) [severity=warn|error]", spec)
	}
	t := Test{ID: model + ":" + strings.TrimSpace(spec), Model: model, Kind: m[1], Spec: spec, Severity: SeverityError}
	if m[3] != "" {
		t.Severity = m[3]
	}
	schema, table, err := warehouse.SplitQualified(model)
	if err != nil {
		return Test{}, err
	}
	from := warehouse.Qualified(schema, table)
	args := strings.TrimSpace(m[2])
	switch t.Kind {
	case "unique":
		cols, err := columns(args)
		if err != nil {
			return Test{}, fmt.Errorf("test %q: %w", spec, err)
		}
		t.SQL = fmt.Sprintf("SELECT %s, count(*) AS n FROM %s GROUP BY ALL HAVING count(*) > 1", strings.Join(cols, ", "), from)
	case "not_null":
		cols, err := columns(args)
		if err != nil {
			return Test{}, fmt.Errorf("test %q: %w", spec, err)
		}
		conds := make([]string, len(cols))
		for i, c := range cols {
			conds[i] = c + " IS NULL"
		}
		t.SQL = fmt.Sprintf("SELECT * FROM %s WHERE %s", from, strings.Join(conds, " OR "))
	case "accepted_values":
		am := acceptedRe.FindStringSubmatch(args)
		if am == nil {
			return Test{}, fmt.Errorf("test %q: want accepted_values(column: 'a', 'b')", spec)
		}
		lits := literalRe.FindAllStringSubmatch(am[2], -1)
		if len(lits) == 0 {
			return Test{}, fmt.Errorf("test %q: no quoted values", spec)
		}
		vals := make([]string, len(lits))
		for i, l := range lits {
			vals[i] = warehouse.Literal(strings.ReplaceAll(l[1], "''", "'"))
		}
		col := warehouse.Ident(am[1])
		t.SQL = fmt.Sprintf("SELECT %s, count(*) AS n FROM %s WHERE %s IS NOT NULL AND %s NOT IN (%s) GROUP BY 1 ORDER BY 2 DESC",
			col, from, col, col, strings.Join(vals, ", "))
	case "relationships":
		rm := relRe.FindStringSubmatch(args)
		if rm == nil {
			return Test{}, fmt.Errorf("test %q: want relationships(column -> schema.table.column)", spec)
		}
		col := warehouse.Ident(rm[1])
		t.SQL = fmt.Sprintf("SELECT %s, count(*) AS n FROM %s WHERE %s IS NOT NULL AND %s NOT IN (SELECT %s FROM %s WHERE %s IS NOT NULL) GROUP BY 1 ORDER BY 2 DESC",
			col, from, col, col, warehouse.Ident(rm[4]), warehouse.Qualified(rm[2], rm[3]), warehouse.Ident(rm[4]))
	case "expect":
		if args == "" {
			return Test{}, fmt.Errorf("test %q: empty expression", spec)
		}
		t.SQL = fmt.Sprintf("SELECT * FROM %s WHERE NOT coalesce((%s), false)", from, args)
	case "row_count":
		v, ok := strings.CutPrefix(args, "max_drop=")
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if !ok || err != nil || f < 0 || f > 1 {
			return Test{}, fmt.Errorf("test %q: want row_count(max_drop=0..1)", spec)
		}
		t.MaxDrop = f
	case "freshness":
		if !sourceIDRe.MatchString(args) {
			return Test{}, fmt.Errorf("test %q: want freshness(source-id)", spec)
		}
		t.Source = args
	case "min_rows":
		n, err := strconv.Atoi(args)
		if err != nil || n < 0 {
			return Test{}, fmt.Errorf("test %q: want min_rows(N)", spec)
		}
		t.SQL = fmt.Sprintf("SELECT count(*) AS n FROM %s HAVING count(*) < %d", from, n)
	default:
		return Test{}, fmt.Errorf("test %q: unknown kind %q", spec, t.Kind)
	}
	return t, nil
}

func columns(args string) ([]string, error) {
	if !colListRe.MatchString(args) {
		return nil, fmt.Errorf("want a list of column names, got %q", args)
	}
	parts := strings.Split(args, ",")
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = warehouse.Ident(strings.TrimSpace(p))
	}
	return out, nil
}
