package cli

import (
	"context"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// referenceDir returns ../shared/reference or skips the test, saying why.
func referenceDir(t *testing.T) string {
	t.Helper()
	ref, ok := config.ReferenceDir(filepath.Join("..", ".."))
	if !ok {
		t.Skip("../shared/reference is absent (set CORNERSTONE_REFERENCE): skipping the conformance test on real published files")
	}
	return ref
}

// sqlCSV runs a query through the CLI and returns its CSV rows without the header.
func sqlCSV(t *testing.T, db, query string) [][]string {
	t.Helper()
	code, out, stderr := run(t, "sql", "--db", db, "--format", "csv", query)
	if code != 0 {
		t.Fatalf("sql exit %d: %s\n%s", code, stderr, query)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("reading sql output: %v\n%s", err, out)
	}
	if len(rows) == 0 {
		t.Fatalf("no header in sql output for %s", query)
	}
	return rows[1:]
}

// readColumns returns the distinct non-empty values of the named columns of a real CSV file.
func readColumns(t *testing.T, path string, columns ...string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	idx := map[string]int{}
	for i, h := range header {
		idx[strings.TrimPrefix(strings.TrimSpace(h), "\ufeff")] = i
	}
	seen := map[string]bool{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, c := range columns {
			i, ok := idx[c]
			if !ok {
				t.Fatalf("%s has no column %q", path, c)
			}
			if i < len(rec) && strings.TrimSpace(rec[i]) != "" {
				seen[strings.TrimSpace(rec[i])] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for v := range seen {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}

// TestPlacesReal is the places conformance test on the real mySociety register and ONS MYE2: the
// reorganisations, the resolver and the change list compiled from ONS and the register.
func TestPlacesReal(t *testing.T) {
	ref := referenceDir(t)
	geo := filepath.Join(ref, "population_geography")
	dir := t.TempDir()
	db := filepath.Join(dir, "places.duckdb")
	data := filepath.Join(dir, "data")
	for _, in := range [][2]string{
		{"la-register", "uk_local_authorities_register.csv"},
		{"ons-population", "mye24tablesew_MYE2-Persons.csv"},
	} {
		if code, _, stderr := run(t, "ingest", in[0], "--from", filepath.Join(geo, in[1]), "--db", db, "--data", data); code != 0 {
			t.Fatalf("ingest %s: exit %d: %s", in[0], code, stderr)
		}
	}

	t.Run("Craven maps to North Yorkshire from 2023-04-01", func(t *testing.T) {
		got := sqlCSV(t, db, `SELECT new_code, effective_date, kind FROM core.area_changes WHERE old_code = 'E07000163'`)
		if len(got) != 1 || got[0][0] != "E06000065" || got[0][1] != "2023-04-01" || got[0][2] != "merger" {
			t.Fatalf("core.area_changes for E07000163: %v", got)
		}
		got = sqlCSV(t, db, `SELECT current_code, method FROM core.area_successors WHERE area_code = 'E07000163'`)
		if len(got) != 1 || got[0][0] != "E06000065" || got[0][1] != "merger" {
			t.Fatalf("core.area_successors for E07000163: %v", got)
		}
	})

	// The issue names E07000026 for Carlisle; in the register (and in ONS's code history)
	// E07000026 is Allerdale and Carlisle is E07000028. Both rolled into Cumberland.
	t.Run("Carlisle resolves before 2023 and rolls into Cumberland", func(t *testing.T) {
		got := sqlCSV(t, db, `SELECT r.area_code, r.how, s.current_code, s.method
			FROM (SELECT core.resolve_area('Carlisle', DATE '2022-06-30') AS r)
			JOIN core.area_successors AS s ON s.area_code = r.area_code`)
		if len(got) != 1 || got[0][0] != "E07000028" || got[0][1] != "matched" || got[0][2] != "E06000063" || got[0][3] != "merger" {
			t.Fatalf("Carlisle: %v", got)
		}
		got = sqlCSV(t, db, `SELECT (core.resolve_area('Allerdale', DATE '2022-06-30')).area_code`)
		if len(got) != 1 || got[0][0] != "E07000026" {
			t.Fatalf("Allerdale: %v", got)
		}
	})

	t.Run("E08000016 and E08000038 are the same place", func(t *testing.T) {
		got := sqlCSV(t, db, `SELECT area_code, current_code FROM core.area_successors
			WHERE area_code IN ('E08000016', 'E08000038') ORDER BY area_code`)
		if len(got) != 2 || got[0][1] != got[1][1] {
			t.Fatalf("Barnsley codes: %v", got)
		}
	})

	t.Run("every change compiled from ONS and the register is followed", func(t *testing.T) {
		// For each published change the old code's current area(s) must include the new code's.
		compiled := filepath.Join(geo, "lad_code_changes_compiled.csv")
		got := fileQueryRows(t, db, `WITH ref AS (
				SELECT old_gss, new_gss FROM read_csv(`+sqlString(compiled)+`, all_varchar = true, strict_mode = false)
			)
			SELECT ref.old_gss, ref.new_gss,
				(SELECT string_agg(current_code, ' ' ORDER BY current_code) FROM core.area_successors WHERE area_code = ref.old_gss) AS old_current,
				(SELECT string_agg(current_code, ' ' ORDER BY current_code) FROM core.area_successors WHERE area_code = ref.new_gss) AS new_current
			FROM ref ORDER BY 1, 2`)
		if len(got) < 50 {
			t.Fatalf("read only %d changes from %s", len(got), compiled)
		}
		for _, r := range got {
			if r[2] == "" || r[3] == "" || !strings.Contains(" "+r[2]+" ", " "+r[3]+" ") {
				t.Errorf("%s -> %s: old code lies in %q, new code in %q", r[0], r[1], r[2], r[3])
			}
		}
	})

	t.Run("every authority name in the reference files resolves", func(t *testing.T) {
		// Publishers' own spellings: ACE's investment programme (November 2022, pre-2023
		// districts) and the libraries basic dataset (2023, service and upper-tier names).
		type named struct {
			file, column, on string
		}
		var names [][2]string
		for _, n := range []named{
			{"funding/ace_npo_2023-26_as_exported_nov2022.csv", "Local authority", "2022-11-04"},
			{"libraries/basic-dataset-for-libraries-2023-enhanced.csv", "Reporting service", "2023-04-01"},
			{"libraries/basic-dataset-for-libraries-2023-enhanced.csv", "Upper tier local authority", "2023-04-01"},
		} {
			for _, v := range readColumns(t, filepath.Join(ref, n.file), n.column) {
				names = append(names, [2]string{v, n.on})
			}
		}
		list := filepath.Join(dir, "names.csv")
		f, err := os.Create(list)
		if err != nil {
			t.Fatal(err)
		}
		w := csv.NewWriter(f)
		w.Write([]string{"name", "on_date"})
		for _, n := range names {
			w.Write(n[:])
		}
		w.Flush()
		f.Close()
		got := fileQueryRows(t, db, `WITH n AS (SELECT name, on_date::DATE AS on_date FROM read_csv(`+sqlString(list)+`, all_varchar = true)),
			r AS (SELECT name, core.resolve_area(name, on_date) AS r FROM n)
			SELECT name, r.how FROM r WHERE r.area_code IS NULL ORDER BY name`)
		for _, r := range got {
			t.Errorf("%q does not resolve: %s", r[0], r[1])
		}
		if len(names) < 300 {
			t.Fatalf("only %d names read", len(names))
		}
	})
}

// fileQueryRows runs a query that reads a reference file beside the warehouse, which `cornerstone
// sql` refuses (its file access is off), on the warehouse opened read-only here; it returns the
// rows as text.
func fileQueryRows(t *testing.T, db, query string) [][]string {
	t.Helper()
	ctx := context.Background()
	w, err := warehouse.Open(ctx, warehouse.Options{Path: db, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	rows, err := w.Query(ctx, query)
	if err != nil {
		t.Fatalf("%v\n%s", err, query)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		rec := make([]string, len(vals))
		for i, v := range vals {
			rec[i] = text(v)
		}
		out = append(out, rec)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// sqlString quotes s as a SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
