package models

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline"
)

// ErrTestFailed means an error-severity data test failed; see *TestFailure.
var ErrTestFailed = errors.New("data test failed")

// TestResult is the outcome of one test.
type TestResult struct {
	Test     Test
	Passed   bool
	Failures int64
	Sample   []map[string]any // at most 10 failing rows
	Message  string
}

// TestFailure lists the error-severity tests that failed for a model, with sample rows.
type TestFailure struct {
	Model   string
	Results []TestResult
}

func (e *TestFailure) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "model %s not rebuilt: %d test(s) failed", e.Model, len(e.Results))
	for _, r := range e.Results {
		fmt.Fprintf(&b, "\n  %s: %s", r.Test.Spec, r.Message)
		for i, row := range r.Sample {
			if i == 3 {
				fmt.Fprintf(&b, "\n    …")
				break
			}
			j, _ := json.Marshal(row)
			fmt.Fprintf(&b, "\n    %s", j)
		}
	}
	return b.String()
}

func (e *TestFailure) Unwrap() error { return ErrTestFailed }

// Builder materialises models in a warehouse.
type Builder struct {
	DB    *warehouse.DB
	RunID int64
	// Full rebuilds every model even when its inputs are unchanged.
	Full bool
	// Freshness rates a source against its release calendar for freshness tests: its status
	// ("stale" fails the test) and a sentence saying why. Nil: freshness tests pass with a note.
	Freshness func(ctx context.Context, source string) (status, detail string, err error)
	// Loaded reports whether a raw input (schema raw) has been loaded; a model waits for the
	// inputs that have not. The warehouse creates every source's raw tables empty when it is
	// migrated, so a raw table's existence says nothing (sources.Loaded is the rule). Nil: a raw
	// table is loaded when it exists.
	Loaded func(ctx context.Context, table string) (bool, error)
}

func toDriver(vals []any) []driver.Value {
	out := make([]driver.Value, len(vals))
	for i, v := range vals {
		out[i] = v
	}
	return out
}

// Build statuses.
const (
	StatusBuilt     = "built"
	StatusUpToDate  = "up to date"
	StatusWaiting   = "waiting"
	StatusTestsWarn = "built with warnings"
)

// Build materialises one model and runs its tests in one transaction. When an error-severity test
// fails the transaction is rolled back (the model keeps its previous contents) and a *TestFailure
// is returned. A model whose inputs are missing (a source never loaded) is not built: the outcome
// is "waiting" and says which input. A model whose SQL and inputs are unchanged since its last
// build is left as it is ("up to date") unless Full is set. Test results are recorded in
// meta.test_results either way.
func (b *Builder) Build(ctx context.Context, p *Project, m *Model) (pipeline.Outcome, error) {
	missing, err := b.missingInputs(ctx, m)
	if err != nil {
		return pipeline.Outcome{}, err
	}
	var omitted []string
	if m.Materialized == "union" {
		// A union stacks the parts that exist; it waits only when none does (or another input
		// is missing).
		var other []string
		for _, d := range missing {
			if slices.Contains(m.Parts, d) {
				omitted = append(omitted, d)
			} else {
				other = append(other, d)
			}
		}
		missing = other
		if len(omitted) == len(m.Parts) {
			missing = append(missing, omitted...)
		}
	}
	if len(missing) > 0 {
		return pipeline.Outcome{Status: StatusWaiting, Detail: "needs " + strings.Join(missing, ", ") + " (not loaded yet)"}, nil
	}
	fp, err := b.fingerprint(ctx, p, m)
	if err != nil {
		return pipeline.Outcome{}, err
	}
	if !b.Full {
		var prev sql.NullString
		_ = b.DB.QueryRow(ctx, `SELECT fingerprint FROM meta.models WHERE name = ?`, m.Name).Scan(&prev)
		if prev.Valid && prev.String == fp {
			if ok, _ := b.exists(ctx, m.Schema, m.Table); ok {
				return pipeline.Outcome{Status: StatusUpToDate}, nil
			}
		}
	}
	var results []TestResult
	var rows int64
	err = b.DB.Update(ctx, func(tx *warehouse.Tx) error {
		var prevRows int64 = -1
		if ok, err := tx.TableExists(ctx, m.Schema, m.Table); err != nil {
			return err
		} else if ok {
			if prevRows, err = tx.Count(ctx, m.Schema, m.Table); err != nil {
				return err
			}
		}
		kind := "TABLE"
		if m.Materialized == "view" {
			kind = "VIEW"
		}
		if ok, _ := tx.TableExists(ctx, m.Schema, m.Table); ok {
			if err := dropOther(ctx, tx, m, kind); err != nil {
				return err
			}
		}
		switch m.Materialized {
		case "macro":
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return fmt.Errorf("creating macro %s (%s): %w", m.Name, m.Path, err)
			}
		case "seed":
			if err := materialiseSeed(ctx, tx, p.fsys, m, false); err != nil {
				return fmt.Errorf("building %s (%s): %w", m.Name, m.Path, err)
			}
		case "union":
			var have []string
			for _, p := range m.Parts {
				if !slices.Contains(omitted, p) {
					have = append(have, p)
				}
			}
			stmt := "CREATE OR REPLACE TABLE " + warehouse.Qualified(m.Schema, m.Table) + " AS\n" + UnionSQL(have)
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("building %s (%s): %w", m.Name, m.Path, err)
			}
		default:
			stmt := "CREATE OR REPLACE " + kind + " " + warehouse.Qualified(m.Schema, m.Table) + " AS\n" + m.SQL
			if _, err := tx.Exec(ctx, stmt); err != nil {
				return fmt.Errorf("building %s (%s): %w", m.Name, m.Path, err)
			}
		}
		if m.Materialized != "macro" {
			n, err := tx.Count(ctx, m.Schema, m.Table)
			if err != nil {
				return err
			}
			rows = n
			if results, err = runTests(ctx, tx, m, prevRows, rows, b.Freshness); err != nil {
				return err
			}
		}
		var failed []TestResult
		for _, r := range results {
			if !r.Passed && r.Test.Severity == SeverityError {
				failed = append(failed, r)
			}
		}
		if len(failed) > 0 {
			return &TestFailure{Model: m.Name, Results: failed}
		}
		_, err = tx.Exec(ctx, `INSERT INTO meta.models (name, sql_sha256, fingerprint, rows, built_at, run_id) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET sql_sha256 = excluded.sql_sha256, fingerprint = excluded.fingerprint,
			rows = excluded.rows, built_at = excluded.built_at, run_id = excluded.run_id`,
			m.Name, m.SHA256, fp, rows, time.Now().UTC(), nullRun(b.RunID))
		return err
	})
	if rerr := b.recordTests(ctx, results); rerr != nil && err == nil {
		err = rerr
	}
	if err != nil {
		return pipeline.Outcome{}, err
	}
	passed, warned := 0, 0
	for _, r := range results {
		if r.Passed {
			passed++
		} else {
			warned++
		}
	}
	out := pipeline.Outcome{Status: StatusBuilt, Changed: true, Detail: fmt.Sprintf("%d rows, %d/%d tests passed", rows, passed, len(results))}
	if m.Materialized == "macro" {
		out.Detail = "macro created"
	}
	if len(omitted) > 0 {
		out.Detail += "; without " + strings.Join(omitted, ", ") + " (not built yet)"
	}
	if warned > 0 {
		out.Status = StatusTestsWarn
	}
	return out, nil
}

// dropOther drops the model's old object when it changes between table and view.
func dropOther(ctx context.Context, tx *warehouse.Tx, m *Model, kind string) error {
	var typ string
	err := tx.QueryRow(ctx, `SELECT table_type FROM information_schema.tables WHERE table_schema = ? AND table_name = ?`, m.Schema, m.Table).Scan(&typ)
	if err != nil {
		return err
	}
	isView := typ == "VIEW"
	if isView == (kind == "VIEW") {
		return nil
	}
	drop := "DROP TABLE "
	if isView {
		drop = "DROP VIEW "
	}
	_, err = tx.Exec(ctx, drop+warehouse.Qualified(m.Schema, m.Table))
	return err
}

func runTests(ctx context.Context, tx *warehouse.Tx, m *Model, prevRows, rows int64,
	fresh func(context.Context, string) (string, string, error)) ([]TestResult, error) {
	var out []TestResult
	for _, t := range m.Tests {
		r := TestResult{Test: t, Passed: true}
		if t.Kind == "freshness" {
			if fresh == nil {
				r.Message = "not checked: no release calendar available"
			} else {
				status, detail, err := fresh(ctx, t.Source)
				if err != nil {
					return nil, fmt.Errorf("running test %s on %s: %w", t.Spec, m.Name, err)
				}
				r.Message = detail
				if status == "stale" {
					r.Passed = false
					r.Failures = 1
				}
			}
			out = append(out, r)
			continue
		}
		if t.Kind == "row_count" {
			if prevRows > 0 && float64(rows) < float64(prevRows)*(1-t.MaxDrop) {
				r.Passed = false
				r.Failures = prevRows - rows
				r.Message = fmt.Sprintf("%d rows against %d in the previous build (%.0f%% fewer; at most %.0f%% allowed)",
					rows, prevRows, 100*float64(prevRows-rows)/float64(prevRows), t.MaxDrop*100)
			}
			out = append(out, r)
			continue
		}
		n, sample, err := failingRows(ctx, tx, t.SQL)
		if err != nil {
			return nil, fmt.Errorf("running test %s on %s: %w", t.Spec, m.Name, err)
		}
		if n > 0 {
			r.Passed = false
			r.Failures = n
			r.Sample = sample
			r.Message = fmt.Sprintf("%d failing row(s)", n)
		}
		out = append(out, r)
	}
	return out, nil
}

func failingRows(ctx context.Context, tx *warehouse.Tx, q string) (int64, []map[string]any, error) {
	var n int64
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM ("+q+")").Scan(&n); err != nil {
		return 0, nil, err
	}
	if n == 0 {
		return 0, nil, nil
	}
	rows, err := tx.Query(ctx, "SELECT * FROM ("+q+") LIMIT 10")
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var sample []map[string]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return 0, nil, err
		}
		row := map[string]any{}
		for i, c := range cols {
			row[c] = vals[i]
		}
		sample = append(sample, row)
	}
	return n, sample, rows.Err()
}

func (b *Builder) recordTests(ctx context.Context, results []TestResult) error {
	if len(results) == 0 {
		return nil
	}
	ctx = context.WithoutCancel(ctx) // the ledger is written even when the run was cancelled
	return b.DB.Update(ctx, func(tx *warehouse.Tx) error {
		now := time.Now().UTC()
		for _, r := range results {
			status := "pass"
			if !r.Passed {
				status = "fail"
			}
			var sample any
			if len(r.Sample) > 0 {
				j, _ := json.Marshal(r.Sample)
				sample = string(j)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO meta.test_results (run_id, test_id, model, kind, severity, status, failures, sample, message, checked_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, nullRun(b.RunID), r.Test.ID, r.Test.Model, r.Test.Kind, r.Test.Severity,
				status, r.Failures, sample, r.Message, now); err != nil {
				return fmt.Errorf("recording test results: %w", err)
			}
		}
		return nil
	})
}

// exists reports whether schema.name exists as a table, view or macro.
func (b *Builder) exists(ctx context.Context, schema, name string) (bool, error) {
	have, err := b.inCatalog(ctx, []string{schema + "." + name})
	return len(have) > 0, err
}

// inCatalog returns which of the qualified names exist as a table, view or macro. Tables and views
// are looked up first; duckdb_functions(), which lists every built-in function and costs tens of
// milliseconds a call, only for names still missing (the macros).
func (b *Builder) inCatalog(ctx context.Context, names []string) (map[string]bool, error) {
	have := map[string]bool{}
	if len(names) == 0 {
		return have, nil
	}
	list := make([]any, len(names))
	for i, n := range names {
		list[i] = n
	}
	in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ") + ")"
	scan := func(q string) error {
		rows, err := b.DB.Query(ctx, q, list...)
		if err != nil {
			return fmt.Errorf("reading the catalogue: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				return fmt.Errorf("reading the catalogue: %w", err)
			}
			have[n] = true
		}
		return rows.Err()
	}
	if err := scan(`SELECT q FROM (
			SELECT schema_name || '.' || table_name AS q FROM duckdb_tables()
			UNION ALL SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE NOT internal
		) WHERE q IN ` + in); err != nil {
		return nil, err
	}
	if len(have) == len(names) {
		return have, nil
	}
	if err := scan(`SELECT DISTINCT schema_name || '.' || function_name FROM duckdb_functions()
		WHERE function_type IN ('macro', 'table_macro') AND schema_name || '.' || function_name IN ` + in); err != nil {
		return nil, err
	}
	return have, nil
}

func (b *Builder) missingInputs(ctx context.Context, m *Model) ([]string, error) {
	var qualified []string
	for _, d := range m.Depends {
		s, t, err := warehouse.SplitQualified(d)
		if err != nil {
			return nil, err
		}
		qualified = append(qualified, s+"."+t)
	}
	have, err := b.inCatalog(ctx, qualified)
	if err != nil {
		return nil, err
	}
	var missing []string
	for i, d := range m.Depends {
		ok := have[qualified[i]]
		if ok && b.Loaded != nil && strings.HasPrefix(qualified[i], "raw.") {
			if ok, err = b.Loaded(ctx, qualified[i]); err != nil {
				return nil, fmt.Errorf("reading whether %s is loaded: %w", d, err)
			}
		}
		if !ok {
			missing = append(missing, d)
		}
	}
	return missing, nil
}

// fingerprint hashes the model's file with the state of each input: for a raw table its row count
// and newest load id (load ids only grow, so any load that touched it changes the fingerprint), for
// a model its own last fingerprint.
func (b *Builder) fingerprint(ctx context.Context, p *Project, m *Model) (string, error) {
	h := sha256.New()
	h.Write([]byte(m.SHA256))
	for _, d := range m.Depends {
		h.Write([]byte("\n" + d + "="))
		if _, isModel := p.Models[d]; isModel {
			var fp sql.NullString
			_ = b.DB.QueryRow(ctx, `SELECT fingerprint FROM meta.models WHERE name = ?`, d).Scan(&fp)
			h.Write([]byte(fp.String))
			continue
		}
		s, t, err := warehouse.SplitQualified(d)
		if err != nil {
			return "", err
		}
		var q string
		if s == "raw" {
			q = "SELECT count(*)::VARCHAR || ':' || coalesce(max(_load_id), 0)::VARCHAR FROM " + warehouse.Qualified(s, t)
		} else {
			q = "SELECT count(*)::VARCHAR || ':' || coalesce(sum(hash(x)::HUGEINT), 0)::VARCHAR FROM " + warehouse.Qualified(s, t) + " x"
		}
		var state string
		if err := b.DB.QueryRow(ctx, q).Scan(&state); err != nil {
			return "", fmt.Errorf("fingerprinting %s: %w", d, err)
		}
		h.Write([]byte(state))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func nullRun(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// StepID is the pipeline step id of a model.
func StepID(model string) string { return "model:" + model }

// Steps returns one pipeline step per named model (all models when names is nil). A model's step
// depends on the steps of the models it depends on that are also in names, and on producer(table)
// for each other input when producer returns a step id (e.g. the ingest step of the source that
// writes a raw table).
func (p *Project) Steps(b *Builder, names []string, producer func(table string) (string, bool)) []pipeline.Step {
	if names == nil {
		names = p.Names()
	}
	in := map[string]bool{}
	for _, n := range names {
		in[n] = true
	}
	var steps []pipeline.Step
	for _, n := range names {
		m := p.Models[n]
		s := pipeline.Step{ID: StepID(n)}
		for _, d := range m.Depends {
			if in[d] {
				s.Deps = append(s.Deps, StepID(d))
			} else if producer != nil {
				if id, ok := producer(d); ok {
					s.Deps = append(s.Deps, id)
				}
			}
		}
		s.Run = func(ctx context.Context) (pipeline.Outcome, error) { return b.Build(ctx, p, m) }
		steps = append(steps, s)
	}
	return steps
}
