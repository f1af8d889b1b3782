package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/demo"
)

// checkKPIRules is run by TestDemoEndToEnd on the demo warehouse and site. The demo's RO5 returns
// hold the GLA, a fire and rescue authority and a national park authority with every culture line
// zero, and a district with no culture or library spend in 2024-25; its Investment Programme lists
// an organisation in Wales and its project grants an award with no place; its library activity
// holds a March 2024 PC hours figure no service can reach.
func checkKPIRules(t *testing.T, db, site string) {
	t.Run("the demo's RO5 returns hold the GLA, a fire and a park authority, and a district without culture", func(t *testing.T) {
		got := sqlCSV(t, db, `SELECT area_code, sum(value_gbp) FROM core.spend
			WHERE financial_year = '2024-25' AND form = 'RO5' AND is_latest AND measure = 'C3'
			  AND service_line IN ('archives', 'arts_development', 'heritage', 'museums_galleries', 'theatres', 'library')
			  AND area_code IN ('E12000007', 'E31000042', 'E26000005', 'E07000179')
			GROUP BY area_code ORDER BY area_code`)
		if len(got) != 4 {
			t.Fatalf("core.spend 2024-25 culture expenditure of the fixture's authorities: %q", got)
		}
		for _, r := range got {
			if parseF(t, r[1]) != 0 {
				t.Errorf("%s spends %s on culture in the fixture, want 0", r[0], r[1])
			}
		}
	})

	t.Run("a zero denominator gives a NULL value with its reason and every KPI mart is built", func(t *testing.T) {
		got := sqlCSV(t, db, `SELECT boundary_basis, coalesce(value::VARCHAR, 'NULL'), denominator, missing_reason FROM marts.kpi_values
			WHERE kpi_id = 'CS-07' AND area_code = 'E07000179' AND period = '2024-25' ORDER BY boundary_basis`)
		if len(got) == 0 {
			t.Fatal("no CS-07 row for South Oxfordshire 2024-25 (a district with no culture spend)")
		}
		for _, r := range got {
			if r[1] != "NULL" || parseF(t, r[2]) != 0 || !strings.HasPrefix(r[3], "zero denominator: ") {
				t.Errorf("CS-07 E07000179 2024-25 %s: value %s, denominator %s, reason %q", r[0], r[1], r[2], r[3])
			}
		}
		if bad := sqlCSV(t, db, `SELECT kpi_id, area_code, period, boundary_basis FROM marts.kpi_values
			WHERE (value IS NULL) <> (missing_reason IS NOT NULL) LIMIT 5`); len(bad) > 0 {
			t.Errorf("values without a reason or reasons beside a value: %q", bad)
		}
		for _, table := range []string{"marts.kpi_benchmarks", "marts.kpi_peer_group_medians"} {
			if n := sqlCSV(t, db, `SELECT count(*) FROM `+table+` WHERE period = '2024-25'`); n[0][0] == "0" {
				t.Errorf("%s holds nothing for 2024-25", table)
			}
		}
	})

	t.Run("KPIs hold values only for the authorities they apply to", func(t *testing.T) {
		if bad := sqlCSV(t, db, `SELECT DISTINCT kpi_id, area_code FROM marts.kpi_values
			WHERE area_code LIKE 'E31%' OR area_code LIKE 'E26%' OR area_code = 'E12000007'`); len(bad) > 0 {
			t.Errorf("KPI rows for the GLA, fire or park authorities: %q", bad)
		}
		if bad := sqlCSV(t, db, `SELECT DISTINCT v.kpi_id, v.area_code, v.boundary_basis FROM marts.kpi_values AS v
			JOIN core.areas AS a USING (area_code)
			WHERE v.kpi_id IN ('CS-02', 'CS-08', 'CS-09', 'CS-10', 'CS-11', 'CS-12') AND a.tier = 'non-metropolitan district'`); len(bad) > 0 {
			t.Errorf("library KPI rows for districts: %q", bad)
		}
		// A district is a council: its culture spend per head is held, £0 included.
		got := sqlCSV(t, db, `SELECT value FROM marts.kpi_values
			WHERE kpi_id = 'CS-01' AND area_code = 'E07000179' AND period = '2024-25' AND boundary_basis = 'as_constituted'`)
		if len(got) != 1 || parseF(t, got[0][0]) != 0 {
			t.Errorf("CS-01 South Oxfordshire 2024-25: %q, want 0.0", got)
		}
		reason := sqlCSV(t, db, `SELECT reason FROM marts.kpi_applicability WHERE kpi_id = 'CS-02' AND area_code = 'E07000179'`)
		if len(reason) != 1 || reason[0][0] != "not a library authority (non-metropolitan district)" {
			t.Errorf("marts.kpi_applicability CS-02 E07000179: %q", reason)
		}
	})

	t.Run("England's ACE investment per head counts awards placed in England only", func(t *testing.T) {
		var england float64
		outside := 0
		byArea := map[string]float64{}
		for _, a := range awardsIn2024(t, db) {
			if a.funder != "Arts Council England" {
				continue
			}
			if a.nation == "England" {
				england += a.inYear
			} else {
				outside++
			}
			if a.current != "" {
				byArea[a.current] += a.inYear
			}
		}
		if outside < 2 {
			t.Fatalf("the demo has %d ACE awards in 2024-25 outside England or not placed, want the Welsh one and the unplaced one", outside)
		}
		pop := map[string]float64{}
		for _, r := range sqlCSV(t, db, `SELECT area_code, population FROM core.population_current WHERE year = 2024
			UNION ALL SELECT area_code, population FROM core.population WHERE area_code = 'E92000001' AND year = 2024 AND is_latest`) {
			pop[r[0]] = parseF(t, r[1])
		}
		if pop["E92000001"] == 0 {
			t.Fatal("no mid-2024 population for England")
		}
		want := map[string]float64{}
		for _, r := range sqlCSV(t, db, `SELECT DISTINCT area_code FROM marts.kpi_values WHERE kpi_id = 'CS-18' AND period = '2024-25'`) {
			if p := pop[r[0]]; p > 0 {
				want[r[0]] = byArea[r[0]] / p / (england / pop["E92000001"]) * 100
			}
		}
		got := sqlCSV(t, db, `SELECT area_code, value FROM marts.kpi_values WHERE kpi_id = 'CS-18' AND period = '2024-25' AND value IS NOT NULL`)
		compareValues(t, "CS-18 2024-25", got, want)
		for _, c := range sqlCSV(t, db, `SELECT DISTINCT coverage FROM marts.kpi_values WHERE kpi_id = 'CS-18' AND period = '2024-25'`) {
			if !strings.Contains(c[0], fmt.Sprintf("the England total leaves out %d of ", outside)) {
				t.Errorf("CS-18 coverage: %q", c[0])
			}
		}
	})

	t.Run("an implausible figure is kept, fails its warn test and is flagged on the KPI page", func(t *testing.T) {
		kept := sqlCSV(t, db, `SELECT value FROM core.library_activity
			WHERE area_code = 'E09000007' AND measure = 'pc_hours' AND period_start = DATE '2024-03-01'`)
		if len(kept) != 1 || parseF(t, kept[0][0]) != 2_236_995_718 {
			t.Fatalf("Camden's March 2024 PC hours in core.library_activity: %q", kept)
		}
		res := sqlCSV(t, db, `SELECT status, severity, failures FROM meta.test_results
			WHERE test_id = 'core.library_plausibility:expect(measure <> ''pc_hours'' OR plausible IS NOT false) severity=warn'
			ORDER BY checked_at DESC LIMIT 1`)
		if len(res) != 1 || res[0][0] != "fail" || res[0][1] != "warn" || res[0][2] != "1" {
			t.Errorf("the PC hours plausibility test in meta.test_results: %q", res)
		}
		flags := sqlCSV(t, db, `SELECT kpi_id, value IS NOT NULL, quality_flag FROM marts.kpi_values
			WHERE area_code = 'E09000007' AND period = '2023-24' AND kpi_id IN ('CS-08', 'CS-10') ORDER BY kpi_id`)
		if len(flags) != 2 {
			t.Fatalf("Camden's 2023-24 library KPIs: %q", flags)
		}
		for _, f := range flags {
			if f[1] != "true" || !strings.Contains(f[2], "pc_hours, March 2024: 2,236,995,718 above the ceiling") {
				t.Errorf("%s Camden 2023-24: value held %s, quality_flag %q", f[0], f[1], f[2])
			}
		}
		if n := sqlCSV(t, db, `SELECT count(*) FROM marts.kpi_values WHERE quality_flag IS NOT NULL AND area_code <> 'E09000007'`); n[0][0] != "0" {
			t.Errorf("%s KPI values flagged besides Camden's (the demo's other figures are plausible)", n[0][0])
		}
		page, err := os.ReadFile(filepath.Join(site, "kpis", "cs-08.html"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(page), "Data checks") || !strings.Contains(string(page), "Camden (E09000007), 2023-24: implausible figures kept") {
			t.Errorf("kpis/cs-08.html does not flag Camden's PC hours")
		}
	})
}

// TestKPIPopulationNearest loads a year of library activity and locations (2023-24) with
// population estimates for mid-2024 only, in the demo's real layouts: the library KPIs divide by
// the nearest estimate and say which one, and CS-09, whose RO5 year is not loaded, names the
// missing input.
func TestKPIPopulationNearest(t *testing.T) {
	dir := t.TempDir()
	db, data := filepath.Join(dir, "w.duckdb"), filepath.Join(dir, "data")
	sample, err := demo.Generate()
	if err != nil {
		t.Fatal(err)
	}
	file := func(suffix string) string {
		for k, f := range sample.Files {
			if strings.HasSuffix(k, suffix) {
				path := filepath.Join(dir, filepath.Base(strings.ReplaceAll(suffix, "%20", " ")))
				if err := os.WriteFile(path, f.Body, 0o644); err != nil {
					t.Fatal(err)
				}
				return path
			}
		}
		t.Fatalf("the demo sample has no file ending %s", suffix)
		return ""
	}
	for _, args := range [][]string{
		{"ingest", "la-register", "--from", demoRegister(t, dir)},
		{"ingest", "ons-population", "--from", file("mye24tablesew.xlsx")},
		{"ingest", "mhclg-revenue-outturn", "--from", file("RO5_LA_Data_2024-25_data_by_LA.ods"), "--vintage", "2025-12-04-outturn"},
		{"ingest", "ace-library-activity", "--from", file("Libraries%20Activity%20Data%202023-24%20FINAL.xlsx")},
		{"ingest", "ace-library-locations", "--from", file("basic-dataset-for-libraries-2023-enhanced.csv")},
		{"build"},
	} {
		if code, _, stderr := run(t, append(args, "--db", db, "--data", data)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
	}
	if got := sqlCSV(t, db, `SELECT DISTINCT year FROM core.population`); len(got) != 1 || got[0][0] != "2024" {
		t.Fatalf("population years loaded: %q, want 2024 only", got)
	}
	// Per-head values are held though mid-2023 is not loaded.
	perHead := sqlCSV(t, db, `SELECT count(*), count(value) FROM marts.kpi_values
		WHERE period = '2023-24' AND kpi_id IN ('CS-08', 'CS-10', 'CS-11', 'CS-12')`)
	if n, v := parseF(t, perHead[0][0]), parseF(t, perHead[0][1]); n < 40 || v < n*0.9 {
		t.Fatalf("%v of %v library per-head KPI rows for 2023-24 hold a value with only mid-2024 loaded", v, n)
	}
	rows := sqlCSV(t, db, `SELECT kpi_id, area_code, coalesce(value::VARCHAR, ''), coalesce(population_year::VARCHAR, ''), sources,
			coalesce(missing_reason, '')
		FROM marts.kpi_values WHERE period = '2023-24' AND kpi_id IN ('CS-08', 'CS-09', 'CS-10', 'CS-11', 'CS-12') ORDER BY kpi_id, area_code`)
	if len(rows) < 5*10 {
		t.Fatalf("%d library KPI rows for 2023-24", len(rows))
	}
	for _, r := range rows {
		switch r[0] {
		case "CS-09": // net cost per visit: no population, but the 2023-24 RO5 is not loaded
			if r[2] != "" || r[5] != "source not loaded: mhclg-revenue-outturn for 2023-24" {
				t.Errorf("%s %s: value %q, missing_reason %q", r[0], r[1], r[2], r[5])
			}
		default:
			// Only an input the return lacks, or an area ONS has no estimate for (a county
			// abolished in 2023 still reporting libraries), leaves a value out.
			if r[2] == "" && !strings.HasPrefix(r[5], "not reported: ") && r[5] != "population missing: no ONS estimate held for the area" {
				t.Errorf("%s %s: no value (%q)", r[0], r[1], r[5])
			}
			if r[2] != "" && (r[3] != "2024" || !strings.Contains(r[4], "(mid-2024 estimate, the nearest held to mid-2023)")) {
				t.Errorf("%s %s: population_year %q, sources %q", r[0], r[1], r[3], r[4])
			}
		}
	}
}
