// Package models is the model engine: it parses SQL model files with their strict headers, checks
// them and builds them in the warehouse. The model files themselves live in package queries.
//
// Each model is a file models/<schema>/<table>.sql whose first lines are a strict header:
//
//	-- name: core.population
//	-- depends: raw.ons_population, core.areas
//	-- materialized: table
//	-- description: One row per area, year and vintage.
//	-- test: unique(area_code, year, vintage)
//
// followed by one SELECT. The header is parsed by one regexp (headerRe); unknown keys, missing
// names or dependencies, cycles, undeclared references and SQL that does not prepare are all
// reported at once by Project.Validate. Build materialises models in dependency order, each with its
// tests in one transaction: a model whose error-severity test fails is rolled back, so it and
// everything built on it keep their previous contents.
package models

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline"
	"github.com/cornerstone-data/cornerstone/queries"
)

// Model is one parsed model file.
type Model struct {
	Header
	Path   string // path in the FS
	SQL    string // the body after the header
	Schema string
	Table  string
	SHA256 string
	Tests  []Test
	// Parts are the tables a union model stacks (its body), each also in depends.
	Parts []string
}

// Project is a parsed set of models.
type Project struct {
	Models map[string]*Model
	fsys   fs.FS
}

// Default parses the models embedded in the binary (package queries).
func Default() (*Project, error) { return Load(queries.FS()) }

// Load parses every models/**/*.sql in fsys. It reports every problem it finds, not just the first.
func Load(fsys fs.FS) (*Project, error) {
	p := &Project{Models: map[string]*Model{}, fsys: fsys}
	var errs []error
	err := fs.WalkDir(fsys, "models", func(file string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Ext(file) != ".sql" {
			return nil
		}
		body, err := fs.ReadFile(fsys, file)
		if err != nil {
			return err
		}
		m, merrs := parseModel(fsys, file, string(body))
		errs = append(errs, merrs...)
		if m == nil {
			return nil
		}
		if prev, dup := p.Models[m.Name]; dup {
			errs = append(errs, fmt.Errorf("%s: model %s already defined in %s", file, m.Name, prev.Path))
			return nil
		}
		p.Models[m.Name] = m
		return nil
	})
	if err != nil {
		errs = append(errs, fmt.Errorf("reading models: %w", err))
	}
	if len(errs) > 0 {
		return p, errors.Join(errs...)
	}
	return p, nil
}

func parseModel(fsys fs.FS, file, body string) (*Model, []error) {
	h, errs := ParseHeader(file, body)
	if !h.HasDepends {
		errs = append(errs, fmt.Errorf("%s: header has no \"-- depends:\" line (write \"-- depends:\" with nothing after it for none)", file))
	}
	if h.Name == "" {
		return nil, errs
	}
	schema, table, err := warehouse.SplitQualified(h.Name)
	if err != nil {
		return nil, append(errs, fmt.Errorf("%s: name: %w", file, err))
	}
	if want := "models/" + schema + "/" + table + ".sql"; !strings.HasSuffix(file, want) {
		errs = append(errs, fmt.Errorf("%s: model %s must live in %s", file, h.Name, want))
	}
	if schema != "core" && schema != "marts" {
		errs = append(errs, fmt.Errorf("%s: model %s must be in schema core or marts", file, h.Name))
	}
	lines := strings.SplitN(body, "\n", h.Lines+1)
	sqlBody := ""
	if len(lines) > h.Lines {
		sqlBody = lines[h.Lines]
	}
	sqlBody = strings.TrimSpace(sqlBody)
	sqlBody = strings.TrimSuffix(sqlBody, ";")
	if sqlBody == "" {
		errs = append(errs, fmt.Errorf("%s: no SQL after the header", file))
	}
	if h.Materialized == "macro" {
		m := macroRe.FindStringSubmatch(sqlBody)
		if m == nil || m[1] != h.Name {
			errs = append(errs, fmt.Errorf("%s: a macro's body must be CREATE OR REPLACE MACRO %s(…) AS …", file, h.Name))
		}
		if len(h.Tests) > 0 {
			errs = append(errs, fmt.Errorf("%s: a macro cannot have data tests", file))
		}
	}
	var parts []string
	if h.Materialized == "union" {
		declared := map[string]bool{}
		for _, d := range h.Depends {
			declared[d] = true
		}
		for _, p := range strings.Split(sqlBody, ",") {
			p = strings.TrimSpace(p)
			if _, _, err := warehouse.SplitQualified(p); err != nil || !declared[p] {
				errs = append(errs, fmt.Errorf("%s: a union's body lists schema.table parts, each declared in depends (got %q)", file, p))
				continue
			}
			parts = append(parts, p)
		}
	}
	hashed := body
	if h.Materialized == "seed" {
		seed, err := fs.ReadFile(fsys, sqlBody)
		if err != nil || !strings.HasPrefix(sqlBody, "seeds/") || path.Ext(sqlBody) != ".csv" {
			errs = append(errs, fmt.Errorf("%s: a seed's body must name a CSV file under seeds/ (got %q)", file, sqlBody))
		}
		hashed += string(seed)
	}
	sum := sha256.Sum256([]byte(hashed))
	m := &Model{Header: h, Path: file, SQL: sqlBody, Schema: schema, Table: table, SHA256: hex.EncodeToString(sum[:]), Parts: parts}
	for _, spec := range h.Tests {
		t, err := ParseTest(h.Name, spec)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", file, err))
			continue
		}
		m.Tests = append(m.Tests, t)
	}
	return m, errs
}

// Names returns the model names, sorted.
func (p *Project) Names() []string {
	out := make([]string, 0, len(p.Models))
	for n := range p.Models {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Order returns the models in dependency order (ties by name) and every cycle found.
func (p *Project) Order() ([]string, [][]string) {
	return pipeline.TopoSort(p.Names(), func(n string) []string { return p.Models[n].Depends },
		func(n string) bool { _, ok := p.Models[n]; return ok })
}

var macroRe = regexp.MustCompile(`(?is)^CREATE\s+OR\s+REPLACE\s+MACRO\s+([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)\s*\(`)

var refRe = regexp.MustCompile(`\b(raw|core|marts|meta)\.([a-z_][a-z0-9_]*)\b`)
var stripRe = regexp.MustCompile(`(?s)--[^\n]*|'(?:[^']|'')*'`)

// References returns the schema.table names a model's SQL mentions (comments and string literals
// ignored), sorted.
func (m *Model) References() []string {
	seen := map[string]bool{}
	for _, r := range refRe.FindAllString(stripRe.ReplaceAllString(m.SQL, " "), -1) {
		seen[r] = true
	}
	out := make([]string, 0, len(seen))
	for r := range seen {
		out = append(out, r)
	}
	sort.Strings(out)
	return out
}

// Check reports every static problem in the project: dependencies that are neither a model nor a
// known raw table, tables the SQL references without declaring them, and cycles. rawTables are the
// raw tables sources write (schema.table).
func (p *Project) Check(rawTables map[string]bool) []error {
	var errs []error
	for _, n := range p.Names() {
		m := p.Models[n]
		declared := map[string]bool{}
		for _, d := range m.Depends {
			declared[d] = true
			_, isModel := p.Models[d]
			if !isModel && !rawTables[d] && !strings.HasPrefix(d, "meta.") {
				errs = append(errs, fmt.Errorf("%s: depends on %s, which is neither a model nor a source table", m.Path, d))
			}
			if d == n {
				errs = append(errs, fmt.Errorf("%s: depends on itself", m.Path))
			}
		}
		for _, r := range m.References() {
			if r != n && !declared[r] {
				errs = append(errs, fmt.Errorf("%s: SQL reads %s but the header does not declare it in depends", m.Path, r))
			}
		}
		for _, t := range m.Tests {
			if t.Kind == "relationships" {
				if rm := relRe.FindStringSubmatch(strings.TrimSuffix(strings.TrimSpace(testArgs(t.Spec)), ")")); rm != nil {
					other := rm[2] + "." + rm[3]
					if !declared[other] && other != n {
						errs = append(errs, fmt.Errorf("%s: test %s reads %s; declare it in depends", m.Path, t.Spec, other))
					}
				}
			}
		}
	}
	_, cycles := p.Order()
	for _, c := range cycles {
		errs = append(errs, fmt.Errorf("models form a cycle: %s", strings.Join(c, " -> ")))
	}
	return errs
}

func testArgs(spec string) string {
	m := testRe.FindStringSubmatch(strings.TrimSpace(spec))
	if m == nil {
		return ""
	}
	return m[2]
}

// Downstream returns the models that depend, directly or transitively, on any of the given tables
// or models, in dependency order.
func (p *Project) Downstream(tables []string) []string {
	hit := map[string]bool{}
	for _, t := range tables {
		hit[t] = true
	}
	order, _ := p.Order()
	var out []string
	for _, n := range order {
		for _, d := range p.Models[n].Depends {
			if hit[d] {
				hit[n] = true
				out = append(out, n)
				break
			}
		}
	}
	return out
}

// WithUpstream returns names plus every model they read, directly or transitively (seeds, macros
// and upstream tables), in dependency order. Upstream models whose inputs are unchanged build as
// "up to date", so adding them costs little and a first ingest never waits on an unbuilt seed.
func (p *Project) WithUpstream(names []string) []string {
	need := map[string]bool{}
	var visit func(n string)
	visit = func(n string) {
		m, ok := p.Models[n]
		if !ok || need[n] {
			return
		}
		need[n] = true
		for _, d := range m.Depends {
			visit(d)
		}
	}
	for _, n := range names {
		visit(n)
	}
	order, _ := p.Order()
	out := make([]string, 0, len(need))
	for _, n := range order {
		if need[n] {
			out = append(out, n)
		}
	}
	return out
}

// UnionSQL stacks tables by column name (UNION ALL BY NAME): a column missing from one part is
// NULL in its rows.
func UnionSQL(parts []string) string {
	sel := make([]string, len(parts))
	for i, p := range parts {
		s, t, _ := warehouse.SplitQualified(p)
		sel[i] = "SELECT * FROM " + warehouse.Qualified(s, t)
	}
	return strings.Join(sel, "\nUNION ALL BY NAME\n")
}
