package queries_test

// Golden tests of the spend, funding and KPI models: small raw tables written by hand
// (testdata/golden/raw, one CSV per raw table) go in, the models are built with their data tests as
// a run builds them, and each model's rows must equal testdata/golden/<schema.table>.csv. When a
// model changes on purpose, refresh every golden file with
//
//	go test ./queries -run TestModelGoldens -update
//
// and read the diff. The fixture is a world of seven councils: Northshire, a county with two
// districts (Ayton, Beeby); Westshire, a county whose districts Ceeford and Eastwick merged with it
// into the unitary Deeshire on 1 April 2023; RO5 outturn for 2022-23 and 2023-24 (Beeby's 2023-24
// theatres suppressed); ONS population for mid-2022 and mid-2023 (none for Deeshire before it
// existed); GDP deflators; three ACE Investment Programme offers (one national, so not placed), two
// project grants and two National Lottery Heritage Fund grants through 360Giving; library activity
// and library sites for Northshire's and Deeshire's services; Participation Survey estimates for
// Ayton (by code), Beeby (by name) and a name no register knows.
//
// Rows checked by hand (the golden files hold the rest as the models compute them):
//   - core.spend: Northshire 2022-23 museums and galleries C7 is 500 (£ thousand) x 1000 = 500000.
//   - marts.kpi_spend_base: Deeshire 2022-23 on current boundaries adds its three predecessors'
//     culture lines, (400 + 0) + (300 + 100) + (50 + 25) = 875 thousand, and Westshire's library
//     service, 2500 thousand; 3 of 3 authorities reporting, method merger.
//   - marts.kpi_values_spend: CS-01 for Deeshire 2022-23 (current) is 875000 / (150000 + 100000,
//     Ceeford's and Eastwick's mid-2022 populations, the county left out) = 3.5 £ a head; for the
//     place Northshire 2023-24 it is (520 + 0 + 110 + 60 + 210) thousand / 303000 = 2.970297.
//   - marts.kpi_values_real: CS-06 for Deeshire 2023-24 is 100 x ((3530000 / 100) / (3375000 / 95)
//     - 1) = -0.637037 %.
//   - core.funding_awards: Ayton Arts Trust's offer is 30000 a year x 3 = 90000; Ceeford Museum's,
//     made when Ceeford existed, is placed in Ceeford (E07000903) and now in Deeshire (E06000901).
//   - marts.kpi_values_investment: CS-16 for Ayton 2023-24 is (30000, the offer's published annual
//     figure for the year, + 50000 x 305/366 for the heritage grant's days) / 101000 = 0.709571 £ a head.
//   - marts.kpi_values_libraries: CS-08 for Northshire 2023-24 is (10000 + 12000 + 1000) visits in
//     2 of 12 months / 303000 x 1000 = 75.907591; CS-11 is 30300 / 303000 x 100 = 10; CS-12 counts
//     Ayton Library alone (Beeby Library opens 8 hours a week): 1 / 303000 x 100000 = 0.330033.
//   - marts.kpi_values_engagement: CS-15a for Beeby, published by name only ("Beeby [note 7]"),
//     is 58.0 (52.5 to 63.5); the unknown town is left out.

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline/models"
	"github.com/cornerstone-data/cornerstone/sources"
	_ "github.com/cornerstone-data/cornerstone/sources/all" // the raw tables every source declares
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden from what the models compute")

// goldenModels are the models with a golden file.
var goldenModels = []string{
	"core.spend",
	"core.funding_awards",
	"marts.kpi_spend_base",
	"marts.kpi_values_spend",
	"marts.kpi_values_real",
	"marts.kpi_values_investment",
	"marts.kpi_values_libraries",
	"marts.kpi_values_engagement",
}

const goldenDir = "testdata/golden"

func TestModelGoldens(t *testing.T) {
	ctx := context.Background()
	db, err := warehouse.Open(ctx, warehouse.Options{Path: filepath.Join(t.TempDir(), "w.duckdb"), Threads: 1,
		Tables: sources.RawTables()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	loadRawFixtures(t, db)
	buildModels(t, db, goldenModels)
	for _, name := range goldenModels {
		t.Run(name, func(t *testing.T) {
			got := dumpModel(t, db, name)
			path := filepath.Join(goldenDir, name+".csv")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from %s (run with -update and read the diff if the change is meant):\n%s",
					name, path, firstDifference(string(got), string(want)))
			}
		})
	}
}

// loadRawFixtures inserts testdata/golden/raw/<table>.csv into raw.<table>, by column name; the
// warehouse's declared types parse the text.
func loadRawFixtures(t *testing.T, db *warehouse.DB) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(goldenDir, "raw", "*.csv"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no raw fixtures under %s/raw: %v", goldenDir, err)
	}
	for _, f := range files {
		table := "raw." + strings.TrimSuffix(filepath.Base(f), ".csv")
		q := fmt.Sprintf(`INSERT INTO %s BY NAME SELECT * FROM read_csv(%s, header = true, all_varchar = true)`, table, warehouse.Literal(f))
		if _, err := db.Exec(context.Background(), q); err != nil {
			t.Fatalf("loading %s: %v", f, err)
		}
	}
}

// buildModels builds the named models and every model upstream of them in dependency order, as a
// run would (models whose raw inputs are not loaded wait); each named model must be built with no
// error-severity test failing.
func buildModels(t *testing.T, db *warehouse.DB, names []string) {
	t.Helper()
	ctx := context.Background()
	p, err := models.Default()
	if err != nil {
		t.Fatal(err)
	}
	need := map[string]bool{}
	for _, n := range p.WithUpstream(names) {
		need[n] = true
	}
	target := map[string]bool{}
	for _, n := range names {
		target[n] = true
	}
	b := &models.Builder{DB: db, Full: true,
		Loaded: func(ctx context.Context, table string) (bool, error) { return sources.Loaded(ctx, db, table) }}
	order, _ := p.Order()
	for _, n := range order {
		if !need[n] {
			continue
		}
		out, err := b.Build(ctx, p, p.Models[n])
		if err != nil {
			t.Fatalf("building %s: %v", n, err)
		}
		if target[n] && out.Status == models.StatusWaiting {
			t.Fatalf("%s did not build: %s", n, out.Detail)
		}
	}
}

// dumpModel returns the model's rows as CSV with a header, in the order of all columns, doubles
// rounded to 6 decimals so the files do not depend on the order DuckDB adds floats in.
func dumpModel(t *testing.T, db *warehouse.DB, name string) []byte {
	t.Helper()
	ctx := context.Background()
	schema, table, err := warehouse.SplitQualified(name)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position`, schema, table)
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for rows.Next() {
		var col, typ string
		if err := rows.Scan(&col, &typ); err != nil {
			t.Fatal(err)
		}
		expr := warehouse.Ident(col)
		if typ == "DOUBLE" || typ == "FLOAT" {
			expr = "round(" + expr + ", 6) AS " + warehouse.Ident(col)
		}
		cols = append(cols, expr)
	}
	rows.Close()
	if len(cols) == 0 {
		t.Fatalf("%s has no columns", name)
	}
	out := filepath.Join(t.TempDir(), "out.csv")
	q := fmt.Sprintf(`COPY (SELECT %s FROM %s ORDER BY ALL) TO %s (HEADER)`, strings.Join(cols, ", "),
		warehouse.Qualified(schema, table), warehouse.Literal(out))
	if _, err := db.Exec(ctx, q); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// firstDifference names the first line where got and want differ, and how many lines each has.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got  %s\n want %s\n(%d lines, want %d)", i+1, gl, wl, len(g), len(w))
		}
	}
	return "same lines"
}

// TestGoldenFilesAreModels keeps testdata/golden to the models listed here, so a removed model
// leaves no stale file behind.
func TestGoldenFilesAreModels(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(goldenDir, "*.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var have []string
	for _, f := range files {
		have = append(have, strings.TrimSuffix(filepath.Base(f), ".csv"))
	}
	want := append([]string{}, goldenModels...)
	sort.Strings(want)
	if strings.Join(have, " ") != strings.Join(want, " ") {
		t.Errorf("golden files %q, want one per golden model %q", have, want)
	}
}
