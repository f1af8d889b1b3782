package mhclg_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/cli"
	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// These tests run the whole demo (discovery through the GOV.UK Content API on loopback, every RO5
// layout, the time series, the RA budgets, the models and their tests) once, then load changed
// files into the same warehouse with --from.

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func query(t *testing.T, db, q string) [][]string {
	t.Helper()
	code, out, stderr := run(t, "sql", "--db", db, "--format", "csv", q)
	if code != 0 {
		t.Fatalf("sql %q: exit %d: %s", q, code, stderr)
	}
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs[1:]
}

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

// flatBook is a 2022-23 workbook in the flat layout for the sample's current authorities, with
// consistent values unless broken is set, which makes Camden's museums C3 wrong by £5 thousand.
func flatBook(broken bool, rename map[string]string) demo.RO5Book {
	services := demo.RO5Services(true)
	b := demo.RO5Book{Year: "2022-23", Layout: demo.RO5Flat, Rename: rename}
	for _, s := range services {
		b.Services = append(b.Services, s.Prefixed)
	}
	for i, a := range []struct{ e, ons, name, class string }{{"E5011", "E09000007", "Camden", "L"}, {"E0701", "E06000001", "Hartlepool", "UA"}} {
		row := demo.RO5Row{ECode: a.e, ONS: a.ons, Name: a.name, Class: a.class, Cells: map[string][]any{}}
		totals := map[string][7]float64{}
		for si, s := range services {
			var v [7]float64
			switch s.Key {
			case "total_cultural":
				v = totals["culture"]
			case "total_environmental":
				v = totals["env"]
			case "total_planning":
				v = totals["plan"]
			case "total_all":
				for m := range v {
					v[m] = totals["culture"][m] + totals["env"][m] + totals["plan"][m]
				}
			default:
				v[0], v[1], v[3], v[4] = float64(100*(i+1)+si), float64(50+si), float64(10+si), float64(5+i)
				v[2], v[5] = v[0]+v[1], v[3]+v[4]
				v[6] = v[2] - v[5]
				group := "culture"
				if s.Key == "" && strings.HasPrefix(s.Prefixed, "Development") {
					group = "plan"
				} else if s.Key == "" {
					group = "env"
				}
				t := totals[group]
				for m := range t {
					t[m] += v[m]
				}
				totals[group] = t
			}
			cells := make([]any, 7)
			for m := range cells {
				cells[m] = v[m]
			}
			if broken && a.e == "E5011" && s.Key == "museums_galleries" {
				cells[2] = v[2] + 5
			}
			row.Cells[b.Services[si]] = cells
		}
		b.Rows = append(b.Rows, row)
	}
	return b
}

func writeBook(t *testing.T, dir, name string, b demo.RO5Book) string {
	t.Helper()
	body, err := b.Bytes("ods")
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, body, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSpendDemoEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the whole demo")
	}
	dir := t.TempDir()
	db, data := filepath.Join(dir, "w.duckdb"), filepath.Join(dir, "data")
	if code, _, stderr := run(t, "demo", "--db", db, "--data", data, "--out", filepath.Join(dir, "site")); code != 0 {
		t.Fatalf("demo exit %d:\n%s", code, stderr)
	}

	t.Run("2024-25 covers every current authority of the sample", func(t *testing.T) {
		want := 0
		for _, a := range demo.SampleAreas {
			if a.Current() {
				want++
			}
		}
		got := query(t, db, "select count(distinct area_code) from core.spend where financial_year='2024-25'")
		if got[0][0] != fmt.Sprint(want) {
			t.Fatalf("2024-25 authorities %s, want %d", got[0][0], want)
		}
	})

	t.Run("five or more financial years from workbooks in every layout", func(t *testing.T) {
		got := query(t, db, "select count(distinct financial_year), count(distinct layout), count(distinct _vintage) from raw.mhclg_ro5")
		if got[0][0] < "5" || got[0][1] != "3" || got[0][2] != "6" {
			t.Fatalf("years, layouts, vintages = %v", got[0])
		}
	})

	t.Run("a revision is its own vintage and only the newest is latest", func(t *testing.T) {
		got := query(t, db, `select vintage, is_latest, value_gbp from core.spend
			where ecode = 'E4404' and financial_year = '2023-24' and service_line = 'museums_galleries' and measure = 'C2' order by vintage`)
		if len(got) != 2 || got[0][1] != "false" || got[1][1] != "true" || got[0][2] == got[1][2] {
			t.Fatalf("%v", got)
		}
	})

	t.Run("Cumberland did not submit 2024-25: NULL, never zero", func(t *testing.T) {
		got := query(t, db, `select distinct status, value_gbp is null, value_note from core.spend
			where area_code = 'E06000063' and financial_year = '2024-25' and source_release = 'ro5-2024-25'`)
		if len(got) != 1 || got[0][0] != "not submitted" || got[0][1] != "true" || got[0][2] != "not submitted" {
			t.Fatalf("%v", got)
		}
	})

	t.Run("markers are NULL with their reason", func(t *testing.T) {
		got := query(t, db, `select value_note from core.spend where area_code = 'E09000007' and financial_year = '2024-25'
			and service_line = 'foreshore' and measure in ('C1', 'C2', 'C3') and source_release = 'ro5-2024-25' and value_gbp is null`)
		if len(got) != 3 || got[0][0] != "not available [x]" {
			t.Fatalf("%v", got)
		}
	})

	t.Run("the class breakdown block does not duplicate Camden", func(t *testing.T) {
		got := query(t, db, `select count(*) from raw.mhclg_ro5 where ecode = 'E5011' and _dataset = 'ro5-2024-25' and line = 'library' and measure = 'C1'`)
		if got[0][0] != "1" {
			t.Fatalf("%v", got)
		}
	})

	t.Run("reconciliations hold and workbook agrees with time series", func(t *testing.T) {
		got := query(t, db, `select (select count(*) from core.spend_reconciliation), (select count(*) filter (not ok) from core.spend_reconciliation),
			(select count(*) from core.spend_source_agreement), (select count(*) filter (not agree) from core.spend_source_agreement),
			(select count(distinct financial_year) from core.spend_source_agreement)`)
		if got[0][0] == "0" || got[0][1] != "0" || got[0][2] == "0" || got[0][3] != "0" || got[0][4] != "4" {
			t.Fatalf("checks, failures, compared, disagreements, years = %v", got[0])
		}
	})

	t.Run("budgets sit beside outturn", func(t *testing.T) {
		got := query(t, db, `select count(distinct financial_year), count(*) filter (value_gbp is null) from core.spend_budget`)
		if got[0][0] != "2" || got[0][1] != "0" {
			t.Fatalf("%v", got)
		}
	})

	t.Run("a renamed header fails naming it and changes nothing", func(t *testing.T) {
		const old = "Culture and heritage - Museums and galleries - Employees (C1)"
		p := writeBook(t, dir, "RO5_2022-23_renamed.ods", flatBook(false, map[string]string{old: "Culture and heritage - Museums & galleries - Employees (C1)"}))
		before := dataStats(t, db)
		code, _, stderr := run(t, "ingest", "mhclg-revenue-outturn", "--db", db, "--data", data, "--from", p)
		if code != 1 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		for _, want := range []string{"mhclg-revenue-outturn", "RO5_2022-23_renamed.ods", `sheet "RO5_LA_Data_202223"`, `header "` + old + `" not found`, "Museums & galleries"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("message lacks %q:\n%s", want, stderr)
			}
		}
		if after := dataStats(t, db); after != before {
			t.Fatalf("a failed load changed the warehouse:\n%s\n%s", before, after)
		}
	})

	t.Run("a reconciliation violation is reported with file, authority and line", func(t *testing.T) {
		p := writeBook(t, dir, "RO5_2022-23_broken.ods", flatBook(true, nil))
		if code, _, stderr := run(t, "ingest", "mhclg-revenue-outturn", "--db", db, "--data", data, "--from", p, "--vintage", "2023-12-01-broken"); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		got := query(t, db, `select source_file, ecode, service_line, measure, check_name, difference_gbp from core.spend_reconciliation where not ok order by all`)
		if len(got) != 2 {
			t.Fatalf("violations: %v", got)
		}
		if got[0][0] != "RO5_2022-23_broken.ods" || got[0][1] != "E5011" || got[0][2] != "museums_galleries" || got[0][4] != "C3 = C1 + C2" {
			t.Fatalf("violation %v", got[0])
		}
		res := query(t, db, `select status, failures, sample from meta.test_results
			where test_id = 'core.spend_reconciliation:expect(ok) severity=warn' order by checked_at desc limit 1`)
		if len(res) != 1 || res[0][0] != "fail" || !strings.Contains(res[0][2], "RO5_2022-23_broken.ods") || !strings.Contains(res[0][2], "E5011") ||
			!strings.Contains(res[0][2], "museums_galleries") {
			t.Fatalf("test result %v", res)
		}
	})
}
