package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// run invokes the command line in-process.
func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// dataStats returns row counts and content hashes of every table except the run ledger.
func dataStats(t *testing.T, db string) string {
	t.Helper()
	w, err := warehouse.Open(context.Background(), warehouse.Options{Path: db, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	st, err := w.TableStats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, s := range st {
		if !warehouse.LedgerTables[s.Schema+"."+s.Table] {
			fmt.Fprintf(&b, "%s.%s %d %s\n", s.Schema, s.Table, s.Rows, s.Hash)
		}
	}
	return b.String()
}

func TestDemoEndToEnd(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.duckdb")
	site := filepath.Join(dir, "y")
	data := filepath.Join(dir, "data")

	code, _, stderr := run(t, "demo", "--db", db, "--out", site, "--data", data)
	if code != 0 {
		t.Fatalf("demo exit %d:\n%s", code, stderr)
	}

	t.Run("site has index, one page per council and cited charts", func(t *testing.T) {
		if _, err := os.Stat(filepath.Join(site, "index.html")); err != nil {
			t.Fatal(err)
		}
		index, _ := os.ReadFile(filepath.Join(site, "index.html"))
		for _, a := range demo.SampleAreas {
			if !a.Current() {
				continue
			}
			page := filepath.Join(site, "areas", a.Code+".html")
			b, err := os.ReadFile(page)
			if err != nil {
				t.Errorf("no page for %s %s: %v", a.Code, a.Name, err)
				continue
			}
			if !bytes.Contains(b, []byte("DEMO DATA - synthetic figures")) {
				t.Errorf("%s lacks the DEMO DATA label", page)
			}
			if !bytes.Contains(index, []byte("areas/"+a.Code+".html")) {
				t.Errorf("index does not link %s", a.Code)
			}
			chart := "population-" + strings.ToLower(a.Code)
			for _, ext := range []string{".svg", ".csv"} {
				if _, err := os.Stat(filepath.Join(site, "charts", chart+ext)); err != nil {
					t.Errorf("missing %s%s", chart, ext)
				}
			}
			if _, err := os.Stat(filepath.Join(site, "charts", chart+".png")); err == nil {
				t.Errorf("%s.png written without --png (the browser draws PNGs)", chart)
			}
			svg, _ := os.ReadFile(filepath.Join(site, "charts", chart+".svg"))
			for _, want := range []string{"Office for National Statistics", "Open Government Licence v3.0", "retrieved", "DEMO DATA"} {
				if !bytes.Contains(svg, []byte(want)) {
					t.Errorf("%s.svg lacks %q", chart, want)
				}
			}
			if !bytes.Contains(b, []byte("Office for National Statistics")) {
				t.Errorf("%s shows no citation", page)
			}
		}
	})

	t.Run("sql prints a positive population count", func(t *testing.T) {
		code, out, stderr := run(t, "sql", "--db", db, "--format", "csv", "select count(*) from core.population")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 2 || lines[1] == "0" || !regexp.MustCompile(`^\d+$`).MatchString(lines[1]) {
			t.Fatalf("output %q", out)
		}
	})

	t.Run("a successor's population on current boundaries is the sum of its predecessors", func(t *testing.T) {
		// North Yorkshire (E06000065) was formed on 2023-04-01 from the seven districts
		// E07000163-E07000169. Sum the districts' mid-2019 figures straight from the loaded
		// MYE2 rows, without the models.
		want := sqlCSV(t, db, `SELECT sum(population)::BIGINT FROM raw.ons_population
			WHERE _vintage = 'mid-2019' AND year = 2019 AND sex = 'persons' AND age = 'all'
			  AND area_code IN ('E07000163','E07000164','E07000165','E07000166','E07000167','E07000168','E07000169')`)
		got := sqlCSV(t, db, `SELECT population::BIGINT, predecessor_count, derived FROM core.population_predecessor_sums
			WHERE area_code = 'E06000065' AND year = 2019`)
		if len(want) != 1 || want[0][0] == "" || want[0][0] == "0" {
			t.Fatalf("no mid-2019 district rows in raw.ons_population: %v", want)
		}
		if len(got) != 1 || got[0][0] != want[0][0] || got[0][1] != "7" || got[0][2] != "true" {
			t.Fatalf("core.population_predecessor_sums for E06000065 2019 = %v, districts sum to %s", got, want[0][0])
		}
	})

	t.Run("KPIs, peers and benchmarks", func(t *testing.T) { checkKPIs(t, db) })
	t.Run("KPI rules on real-layout fixtures", func(t *testing.T) { checkKPIRules(t, db, site) })

	t.Run("second demo adds no rows and records loads as unchanged", func(t *testing.T) {
		before := dataStats(t, db)
		index, err := os.Stat(filepath.Join(site, "index.html"))
		if err != nil {
			t.Fatal(err)
		}
		code, _, stderr := run(t, "--db", db, "demo", "--out", site, "--data", data)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if after := dataStats(t, db); after != before {
			t.Fatalf("second demo changed data:\n%s\n%s", before, after)
		}
		// The site was written from the same inputs: it is left as it was, not rewritten.
		if again, err := os.Stat(filepath.Join(site, "index.html")); err != nil || !again.ModTime().Equal(index.ModTime()) || !os.SameFile(index, again) {
			t.Fatalf("second demo rewrote the site (%v)", err)
		}
		_, out, _ := run(t, "sql", "--db", db, "--format", "csv",
			"select count(*) filter (status = 'unchanged') = (select count(*) from meta.loads where run_id = (select min(run_id) from meta.runs) and status = 'loaded'), "+
				"count(*) filter (status = 'loaded') from meta.loads where run_id = (select max(run_id) from meta.runs)")
		if !strings.Contains(out, "\ntrue,0") {
			t.Fatalf("last run's loads (unchanged, loaded): %q", out)
		}
	})

	t.Run("an HTML page is rejected and changes nothing", func(t *testing.T) {
		page := filepath.Join(dir, "page.html")
		os.WriteFile(page, []byte("<!doctype html><html><head><title>Please sign in</title></head><body></body></html>"), 0o644)
		before := dataStats(t, db)
		code, _, stderr := run(t, "ingest", "ons-population", "--db", db, "--data", data, "--from", page)
		if code != 1 {
			t.Fatalf("exit %d, want 1: %s", code, stderr)
		}
		if !strings.Contains(stderr, "ons-population") || !strings.Contains(stderr, "page.html") || !strings.Contains(stderr, "HTML") {
			t.Fatalf("message does not name the source, the file and the problem:\n%s", stderr)
		}
		if after := dataStats(t, db); after != before {
			t.Fatalf("failed ingest changed data:\n%s\n%s", before, after)
		}
	})

	t.Run("report is reproducible", func(t *testing.T) {
		other := filepath.Join(dir, "again")
		if code, _, stderr := run(t, "report", "--db", db, "--out", other); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if a, b := treeHash(t, site), treeHash(t, other); a != b {
			t.Fatal("the same warehouse gave a different site")
		}
	})

	t.Run("report --png and the config's [report] write PNG files and quartiles", func(t *testing.T) {
		area := ""
		for _, a := range demo.SampleAreas {
			if a.Current() && area == "" {
				area = a.Code
			}
		}
		chart := filepath.Join("charts", "population-"+strings.ToLower(area)+".png")
		flagged := filepath.Join(dir, "with-png")
		if code, _, stderr := run(t, "report", "--png", "--db", db, "--out", flagged); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if b, err := os.ReadFile(filepath.Join(flagged, chart)); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
			t.Errorf("report --png wrote no %s (%v)", chart, err)
		}
		cfg := filepath.Join(dir, "report.toml")
		if err := os.WriteFile(cfg, []byte("[report]\npng_files = true\nquartiles = true\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		configured := filepath.Join(dir, "configured")
		if code, _, stderr := run(t, "report", "--config", cfg, "--db", db, "--out", configured); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if _, err := os.Stat(filepath.Join(configured, chart)); err != nil {
			t.Errorf("[report] png_files wrote no PNG: %v", err)
		}
		page, _ := os.ReadFile(filepath.Join(configured, "areas", area+".html"))
		if !bytes.Contains(page, []byte("Peer rank")) {
			t.Error("[report] quartiles shows no peer ranks")
		}
		plain, _ := os.ReadFile(filepath.Join(site, "areas", area+".html"))
		if bytes.Contains(plain, []byte("Peer rank")) {
			t.Error("peer ranks shown without quartiles")
		}
	})

	t.Run("runs lists the history", func(t *testing.T) {
		code, out, _ := run(t, "runs", "--db", db, "--format", "json")
		if code != 0 || !strings.Contains(out, `"command": "cornerstone demo`) || !strings.Contains(out, `"status": "failed"`) {
			t.Fatalf("exit %d: %s", code, out)
		}
	})
}

func treeHash(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		body, _ := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		fmt.Fprintf(&b, "%s %x\n", rel, body)
		return nil
	})
	return b.String()
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"no-such-command"},
		{"ingest"},
		{"ingest", "no-such-source"},
		{"build", "core.no_such_model"},
		{"ingest", "ace-library-locations", "--from", "x.csv", "--vintage", "2024\n\x1b[2J"},
		{"sql"},
		{"sql", "--format", "xml", "select 1"},
		{"demo", "--no-such-flag"},
		{"version", "extra"},
	} {
		code, _, stderr := run(t, args...)
		if code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, stderr)
		}
	}
}

func TestHelpOnEveryCommand(t *testing.T) {
	for _, cmd := range []string{"demo", "run", "ingest", "build", "report", "sql", "sources", "runs", "validate", "version"} {
		code, out, _ := run(t, cmd, "--help")
		if code != 0 || !strings.Contains(out, "Usage:") || !strings.Contains(out, "--db") {
			t.Errorf("%s --help: exit %d\n%s", cmd, code, out)
		}
	}
}

func TestGlobalFlagsAnywhere(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "g.duckdb")
	for _, args := range [][]string{{"--db", db, "build"}, {"build", "--db", db}} {
		if code, _, stderr := run(t, args...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatal("the --db flag was not honoured in either position")
	}
}

func TestValidate(t *testing.T) {
	code, out, stderr := run(t, "validate")
	if code != 0 || !strings.Contains(out, "ok:") {
		t.Fatalf("exit %d: %s %s", code, out, stderr)
	}
}

// A source setting of the wrong type fails validate (and every command) naming the key and the
// file, with every other bad setting in the same message; nothing is dropped silently.
func TestValidateRejectsBadSourceSettings(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "cornerstone.toml")
	body := "[sources.threesixtygiving.settings]\nfunders = \"GB-GOR-PB188\"\n\n" +
		"[sources.local-investment-returns.settings]\ndirectory = \"returns\"\n\n" +
		"[sources.ons-population.settings]\nfile = \"x\"\n"
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr := run(t, "validate", "--config", cfg)
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q; want 1 and nothing", code, out)
	}
	for _, want := range []string{cfg, "sources.threesixtygiving.settings.funders: want a list of strings", "line 2",
		"sources.local-investment-returns.settings.directory: unknown setting (the source's settings: dir, inbox, urls)",
		"sources.ons-population.settings: the source takes no settings"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

func TestReadersOnMissingWarehouse(t *testing.T) {
	code, _, stderr := run(t, "sql", "--db", filepath.Join(t.TempDir(), "none.duckdb"), "select 1")
	if code != 1 || !strings.Contains(stderr, "no warehouse") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

// TestRealMYE2 loads the real ONS MYE2 - Persons sheet saved as CSV.
func TestRealMYE2(t *testing.T) {
	ref, ok := config.ReferenceDir(filepath.Join("..", ".."))
	if !ok {
		t.Skip("../shared/reference is absent (set CORNERSTONE_REFERENCE): skipping the conformance test on the real ONS file")
	}
	file := filepath.Join(ref, "population_geography", "mye24tablesew_MYE2-Persons.csv")
	dir := t.TempDir()
	db := filepath.Join(dir, "real.duckdb")
	code, _, stderr := run(t, "ingest", "ons-population", "--from", file, "--db", db, "--data", filepath.Join(dir, "data"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	_, out, _ := run(t, "sql", "--db", db, "--format", "csv", "select population from core.population where area_code = 'E06000065' and year = 2024")
	if strings.TrimSpace(out) != "population\n635270" {
		t.Fatalf("North Yorkshire 2024: %q", out)
	}
}
