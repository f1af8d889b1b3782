package cli

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/internal/sheets"
)

// sqlRows runs a query through the CLI and returns its CSV records without the header.
func sqlRows(t *testing.T, db, query string) [][]string {
	t.Helper()
	code, out, stderr := run(t, "sql", "--db", db, "--format", "csv", query)
	if code != 0 {
		t.Fatalf("sql exit %d: %s", code, stderr)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("sql output %q: %v", out, err)
	}
	return recs[1:]
}

// demoRegister writes the demo sample's register CSV to dir, for loading with --from.
func demoRegister(t *testing.T, dir string) string {
	t.Helper()
	sample, err := demo.Generate()
	if err != nil {
		t.Fatal(err)
	}
	key, _ := demo.Key(demo.RegisterURL)
	path := filepath.Join(dir, "uk_local_authorities_future.csv")
	if err := os.WriteFile(path, sample.Files[key].Body, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestLocalReturns: a council fills in the usage template; a return with three bad cells is
// rejected with all three reported and nothing loaded; a good one loads into core.local_returns
// with who submitted it, when, and from which file.
func TestLocalReturns(t *testing.T) {
	dir := t.TempDir()
	db, data := filepath.Join(dir, "w.duckdb"), filepath.Join(dir, "data")
	if code, _, stderr := run(t, "ingest", "la-register", "--from", demoRegister(t, dir), "--db", db, "--data", data); code != 0 {
		t.Fatalf("register: %s", stderr)
	}

	tmpl := filepath.Join(dir, "template.csv")
	if code, _, stderr := run(t, "template", "usage", "--file", tmpl); code != 0 {
		t.Fatalf("template exit %d: %s", code, stderr)
	}
	b, _ := os.ReadFile(tmpl)
	header := strings.SplitN(string(b), "\n", 2)[0]
	if header != "area_code,period_start,period_end,measure,value,site,notes,submitted_by,submitter_email,submitted_at" {
		t.Fatalf("template header %q", header)
	}
	code, doc, _ := run(t, "template", "usage", "--describe")
	if code != 0 || !strings.Contains(doc, "museum_visits (visits)") {
		t.Fatalf("--describe: %q", doc)
	}

	bad := filepath.Join(dir, "barnet-return-bad.csv")
	os.WriteFile(bad, []byte(header+"\n"+
		"E09000003,2024-04-01,2025-03-31,library_volunteers,120,,,J. Smith (Head of Libraries),libraries@barnet.example,2025-05-12\n"+
		"E09000003,2024-04-01,31/03/2025,library_volunteer_hours,5400,,,J. Smith (Head of Libraries),libraries@barnet.example,2025-05-12\n"+
		"E09000003,2024-04-01,2025-03-31,museum_visits,many,Barnet Museum,,J. Smith (Head of Libraries),libraries@barnet.example,2025-05-12\n"+
		"E09000003,2024-04-01,2025-03-31,library_physical_visits,1200000,,,J. Smith (Head of Libraries),not-an-email,2025-05-12\n"), 0o644)
	before := dataStats(t, db)
	code, _, stderr := run(t, "ingest", "local-returns", "--from", bad, "--db", db, "--data", data)
	if code != 1 {
		t.Fatalf("bad return: exit %d, want 1: %s", code, stderr)
	}
	for _, want := range []string{"3 problem(s), nothing loaded",
		`row 3 column "period_end" value "31/03/2025"`, `row 4 column "value" value "many"`, `row 5 column "submitter_email" value "not-an-email"`} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if after := dataStats(t, db); after != before {
		t.Fatalf("a rejected return changed the warehouse:\n%s\n%s", before, after)
	}

	good := filepath.Join(dir, "barnet-return-2024-25.csv")
	os.WriteFile(good, []byte(header+"\n"+
		"E09000003,2024-04-01,2025-03-31,library_volunteers,120,,,J. Smith (Head of Libraries),libraries@barnet.example,2025-05-12\n"+
		"E5031,2024-04-01,2025-03-31,library_volunteer_hours,\"5,400\",,counted from rotas,J. Smith (Head of Libraries),libraries@barnet.example,2025-05-12\n"+
		"E09000003,2024-04-01,2025-03-31,museum_visits,18250,Barnet Museum,,J. Smith (Head of Libraries),libraries@barnet.example,2025-05-12\n"), 0o644)
	if code, _, stderr := run(t, "ingest", "local-returns", "--from", good, "--db", db, "--data", data); code != 0 {
		t.Fatalf("good return: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, "build", "--db", db, "--data", data); code != 0 {
		t.Fatalf("build: exit %d: %s", code, stderr)
	}
	got := sqlRows(t, db, `SELECT area_code, submitted_code, period_start, period_end, measure, value, unit, site, submitted_by, submitted_at, source_file, resolution
		FROM core.local_returns ORDER BY measure`)
	want := [][]string{
		{"E09000003", "E5031", "2024-04-01", "2025-03-31", "library_volunteer_hours", "5400", "hours", "", "J. Smith (Head of Libraries)", "2025-05-12", "barnet-return-2024-25.csv", "matched"},
		{"E09000003", "E09000003", "2024-04-01", "2025-03-31", "library_volunteers", "120", "people", "", "J. Smith (Head of Libraries)", "2025-05-12", "barnet-return-2024-25.csv", "matched"},
		{"E09000003", "E09000003", "2024-04-01", "2025-03-31", "museum_visits", "18250", "visits", "Barnet Museum", "J. Smith (Head of Libraries)", "2025-05-12", "barnet-return-2024-25.csv", "matched"},
	}
	if len(got) != len(want) {
		t.Fatalf("core.local_returns: %q", got)
	}
	for i := range want {
		if strings.Join(got[i], "|") != strings.Join(want[i], "|") {
			t.Errorf("row %d:\n got %q\nwant %q", i, got[i], want[i])
		}
	}
	rel := sqlRows(t, db, `SELECT dataset, vintage, title FROM meta.releases WHERE source = 'local-returns'`)
	if len(rel) != 1 || rel[0][0] != "usage-E09000003+E5031" || rel[0][1] != "2025-05-12 2024-04-01..2025-03-31" || !strings.Contains(rel[0][2], "J. Smith") {
		t.Fatalf("release: %q", rel)
	}

	// A corrected return submitted later supersedes the earlier figure; the rest stay.
	fix := filepath.Join(dir, "barnet-return-2024-25-corrected.csv")
	os.WriteFile(fix, []byte(header+"\n"+
		"E09000003,2024-04-01,2025-03-31,museum_visits,18350,Barnet Museum,corrected count,K. Jones (Museums Officer),museums@barnet.example,2025-06-02\n"), 0o644)
	if code, _, stderr := run(t, "ingest", "local-returns", "--from", fix, "--db", db, "--data", data); code != 0 {
		t.Fatalf("corrected return: exit %d: %s", code, stderr)
	}
	run(t, "build", "--db", db, "--data", data)
	got = sqlRows(t, db, `SELECT measure, value, submitted_by, source_file FROM core.local_returns ORDER BY measure`)
	if len(got) != 3 || strings.Join(got[2], "|") != "museum_visits|18350|K. Jones (Museums Officer)|barnet-return-2024-25-corrected.csv" {
		t.Fatalf("after the correction: %q", got)
	}

	// A second file for the same council and period (another measure) adds to what is held and
	// says so on stderr and in `cornerstone runs`; --replace withdraws the earlier figures.
	events := filepath.Join(dir, "barnet-events-2024-25.csv")
	os.WriteFile(events, []byte(header+"\n"+
		"E09000003,2024-04-01,2025-03-31,library_events,640,,,J. Smith (Head of Libraries),libraries@barnet.example,2025-05-12\n"), 0o644)
	code, _, stderr = run(t, "ingest", "local-returns", "--from", events, "--db", db, "--data", data)
	if code != 0 || !strings.Contains(stderr, `note: kept 2 figures of "library_volunteers", "museum_visits / Barnet Museum"`) {
		t.Fatalf("second return: exit %d: %s", code, stderr)
	}
	if code, out, _ := run(t, "runs", "--db", db, "--limit", "1"); code != 0 || !strings.Contains(out, "note: kept 2 figures") {
		t.Errorf("runs does not show the note:\n%s", out)
	}
	if got := sqlRows(t, db, `SELECT count(*) FROM core.local_returns`); got[0][0] != "4" {
		t.Fatalf("after the second return: %q figures", got)
	}
	code, _, stderr = run(t, "ingest", "local-returns", "--from", events, "--replace", "--db", db, "--data", data)
	if code != 0 || !strings.Contains(stderr, "--replace withdrew") {
		t.Fatalf("--replace: exit %d: %s", code, stderr)
	}
	got = sqlRows(t, db, `SELECT submitted_code, measure FROM core.local_returns ORDER BY ALL`)
	if len(got) != 2 || strings.Join(got[0], "|") != "E09000003|library_events" || strings.Join(got[1], "|") != "E5031|library_volunteer_hours" {
		t.Fatalf("after --replace: %q", got)
	}
}

// TestRealLibraryActivityTotals loads the real 2023-24 Libraries Activity Data workbook with the
// real register: the total active members of every service in core.library_activity equal the
// sheet's Total Active Members column.
func TestRealLibraryActivityTotals(t *testing.T) {
	ref, ok := config.ReferenceDir(filepath.Join("..", ".."))
	if !ok {
		t.Skip("../shared/reference is absent (set CORNERSTONE_REFERENCE): skipping the conformance test on the real ACE workbook")
	}
	file := filepath.Join(ref, "libraries", "Libraries_Activity_Data_2023-24_FINAL.xlsx")
	dir := t.TempDir()
	db, data := filepath.Join(dir, "real.duckdb"), filepath.Join(dir, "data")
	for _, args := range [][]string{
		{"ingest", "la-register", "--from", filepath.Join(ref, "population_geography", "uk_local_authorities_register.csv")},
		{"ingest", "ace-library-activity", "--from", file},
		{"build"},
	} {
		if code, _, stderr := run(t, append(args, "--db", db, "--data", data)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}

	wb, err := sheets.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	rows, err := wb.Rows("Activity Data 2024")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	rows.Next()
	sheet := map[string]float64{}
	for rows.Next() {
		r := rows.Row()
		if len(r) > 2 {
			if v, ok := r[2].Float(); ok {
				sheet[r[0].Value+"|"+r[1].Value] = v
			}
		}
	}
	got := sqlRows(t, db, `SELECT library_service, authority_name, value, area_code, period_start, period_end, period_type
		FROM core.library_activity WHERE measure = 'active_members' AND age_band = 'total'`)
	if len(got) != len(sheet) || len(got) != 127 {
		t.Fatalf("%d totals in core.library_activity, %d in the sheet", len(got), len(sheet))
	}
	for _, g := range got {
		v, _ := strconv.ParseFloat(g[2], 64)
		if want, ok := sheet[g[0]+"|"+g[1]]; !ok || v != want {
			t.Errorf("%s (%s): %v in core.library_activity, %v in the sheet", g[0], g[1], v, want)
		}
		if g[4] != "2023-04-01" || g[5] != "2024-03-31" || g[6] != "year" {
			t.Errorf("%s: period %s..%s %s", g[0], g[4], g[5], g[6])
		}
	}
	barnsley := sqlRows(t, db, `SELECT area_code, value FROM core.library_activity WHERE authority_name = 'Barnsley' AND measure = 'active_members' AND age_band = 'total'`)
	if len(barnsley) != 1 || barnsley[0][0] != "E08000016" || barnsley[0][1] != "13835" {
		t.Fatalf("Barnsley: %q", barnsley)
	}
	// Every name resolves but one the register makes ambiguous; it is kept, visible, with its reason.
	unresolved := sqlRows(t, db, `SELECT DISTINCT authority_name, resolution FROM core.library_activity WHERE area_code IS NULL`)
	if len(unresolved) > 1 {
		t.Errorf("unresolved authority names: %q", unresolved)
	}
}
