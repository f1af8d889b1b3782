package cli

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"
)

// checkKPIs is run by TestDemoEndToEnd on the demo warehouse: the KPI catalogue is covered, values
// recompute from core tables by independent queries, and the statistical neighbours behave.
func checkKPIs(t *testing.T, db string) {
	t.Run("every computed KPI whose sources the demo has has values", func(t *testing.T) {
		loaded := map[string]bool{}
		for _, r := range sqlCSV(t, db, `SELECT DISTINCT source FROM meta.releases`) {
			loaded[r[0]] = true
		}
		values := map[string]int{}
		for _, r := range sqlCSV(t, db, `SELECT kpi_id, count(value) FROM marts.kpi_values GROUP BY kpi_id`) {
			n, _ := strconv.Atoi(r[1])
			values[r[0]] = n
		}
		covered := 0
		for _, r := range sqlCSV(t, db, `SELECT kpi_id, sources, status FROM marts.kpi_catalogue ORDER BY sort`) {
			have := true
			for _, s := range strings.Fields(r[1]) {
				have = have && loaded[s]
			}
			if r[2] != "computed" || !have {
				continue
			}
			covered++
			if values[r[0]] == 0 {
				t.Errorf("%s: sources %s are loaded but marts.kpi_values has no value", r[0], r[1])
			}
		}
		if covered < 15 {
			t.Errorf("only %d KPIs have their sources in the demo", covered)
		}
	})

	t.Run("library spend per head recomputes from core.spend and core.population", func(t *testing.T) {
		want := map[string]float64{}
		for _, r := range sqlCSV(t, db, `SELECT s.area_code, sum(s.value_gbp) / any_value(p.population)
			FROM core.spend AS s JOIN core.population AS p ON p.area_code = s.area_code AND p.year = 2024 AND p.is_latest
			WHERE s.financial_year = '2024-25' AND s.source_release = 'ro5-2024-25' AND s.is_latest
			  AND s.form = 'RO5' AND s.service_line = 'library' AND s.measure = 'C7' AND s.status = 'submitted'
			GROUP BY s.area_code HAVING count(s.value_gbp) > 0`) {
			want[r[0]] = parseF(t, r[1])
		}
		got := sqlCSV(t, db, `SELECT area_code, value FROM marts.kpi_values
			WHERE kpi_id = 'CS-02' AND period = '2024-25' AND boundary_basis = 'as_constituted' AND value IS NOT NULL`)
		compareValues(t, "CS-02 2024-25", got, want)
	})

	t.Run("library visits per 1,000 recompute from core.library_activity", func(t *testing.T) {
		want := map[string]float64{}
		for _, r := range sqlCSV(t, db, `WITH v AS (
				SELECT area_code, financial_year, sum(value) AS visits FROM core.library_activity
				WHERE measure = 'visits' AND age_band = 'total' AND area_code IS NOT NULL GROUP BY ALL)
			SELECT v.area_code, v.visits * 1000 / p.population FROM v
			JOIN core.population AS p ON p.area_code = v.area_code AND p.is_latest AND p.year = CAST(left(v.financial_year, 4) AS INTEGER)
			WHERE v.financial_year = '2023-24'`) {
			want[r[0]] = parseF(t, r[1])
		}
		got := sqlCSV(t, db, `SELECT area_code, value FROM marts.kpi_values WHERE kpi_id = 'CS-08' AND period = '2023-24' AND value IS NOT NULL`)
		compareValues(t, "CS-08 2023-24", got, want)
	})

	t.Run("library issues per 1,000 count age bands whose total was left blank", func(t *testing.T) {
		// Independently of core.library_activity's derived rows: the published totals, plus the
		// age bands of every service, format and month whose total is blank.
		want := map[string]float64{}
		for _, r := range sqlCSV(t, db, `WITH raw AS (
				SELECT authority_name, library_service, format, period_start, age_band, value
				FROM raw.ace_library_activity WHERE measure = 'loans' AND financial_year = '2023-24'),
			cells AS (
				SELECT authority_name, library_service, format, period_start,
					coalesce(max(value) FILTER (WHERE age_band = 'total'), sum(value) FILTER (WHERE age_band <> 'total')) AS loans
				FROM raw GROUP BY ALL),
			areas AS (SELECT DISTINCT authority_name, area_code FROM core.library_activity WHERE area_code IS NOT NULL)
			SELECT a.area_code, sum(c.loans) * 1000 / any_value(p.population) FROM cells AS c JOIN areas AS a USING (authority_name)
			JOIN core.population AS p ON p.area_code = a.area_code AND p.is_latest AND p.year = 2023
			GROUP BY a.area_code`) {
			want[r[0]] = parseF(t, r[1])
		}
		got := sqlCSV(t, db, `SELECT area_code, value FROM marts.kpi_values WHERE kpi_id = 'CS-10' AND period = '2023-24' AND value IS NOT NULL`)
		compareValues(t, "CS-10 2023-24", got, want)
	})

	t.Run("external investment per head recomputes from the awards", func(t *testing.T) {
		// Apportion each award over the days of its period in Go, independently of the SQL.
		fyStart, fyEnd := time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)
		aceOwn := len(sqlCSV(t, db, `SELECT 1 FROM core.funding_awards WHERE source <> 'threesixtygiving' LIMIT 1`)) > 0
		sum := map[string]float64{}
		for _, r := range sqlCSV(t, db, `SELECT current_area_code, amount_gbp, period_start, period_end, funder, source
			FROM core.funding_awards WHERE current_area_code IS NOT NULL AND amount_gbp IS NOT NULL AND period_start IS NOT NULL`) {
			if aceOwn && r[5] == "threesixtygiving" && r[4] == "Arts Council England" {
				continue
			}
			start, _ := time.Parse("2006-01-02", r[2])
			end, _ := time.Parse("2006-01-02", r[3])
			lo, hi := maxTime(start, fyStart), minTime(end, fyEnd)
			if hi.Before(lo) {
				continue
			}
			days := hi.Sub(lo).Hours()/24 + 1
			total := end.Sub(start).Hours()/24 + 1
			sum[r[0]] += parseF(t, r[1]) * days / total
		}
		want := map[string]float64{}
		for _, r := range sqlCSV(t, db, `SELECT area_code, population FROM core.population_current WHERE year = 2024`) {
			if s, ok := sum[r[0]]; ok {
				want[r[0]] = s / parseF(t, r[1])
			}
		}
		got := sqlCSV(t, db, `SELECT area_code, value FROM marts.kpi_values WHERE kpi_id = 'CS-16' AND period = '2024-25' AND value IS NOT NULL`)
		compareValues(t, "CS-16 2024-25", got, want)
	})

	t.Run("statistical neighbours are symmetric, exclude the area and explain themselves", func(t *testing.T) {
		dist := map[[2]string]string{}
		perArea := map[string]int{}
		for _, r := range sqlCSV(t, db, `SELECT area_code, neighbour_code, distance, reasons, rank FROM marts.peer_neighbours`) {
			if r[0] == r[1] {
				t.Errorf("%s is its own neighbour", r[0])
			}
			if r[3] == "" {
				t.Errorf("%s-%s: no explanation", r[0], r[1])
			}
			dist[[2]string{r[0], r[1]}] = r[2]
			perArea[r[0]]++
		}
		if len(dist) == 0 {
			t.Fatal("no neighbours")
		}
		for k, d := range dist {
			if back, ok := dist[[2]string{k[1], k[0]}]; ok && back != d {
				t.Errorf("distance %s->%s = %s but %s->%s = %s", k[0], k[1], d, k[1], k[0], back)
			}
		}
		for _, r := range sqlCSV(t, db, `SELECT i.area_code, count(*) OVER (PARTITION BY i.comparison_class) - 1 FROM marts.peer_inputs AS i WHERE complete`) {
			n, _ := strconv.Atoi(r[1])
			if want := min(15, n); perArea[r[0]] != want {
				t.Errorf("%s has %d neighbours, want %d", r[0], perArea[r[0]], want)
			}
		}
		reasons := sqlCSV(t, db, `SELECT string_agg(reasons, ' ') FROM marts.peer_neighbours`)[0][0]
		for _, input := range []string{"population", "density", "aged 65+", "deprivation"} {
			if !strings.Contains(reasons, input) {
				t.Errorf("no explanation mentions %s", input)
			}
		}
		before := sqlCSV(t, db, `SELECT md5(string_agg(area_code || neighbour_code || rank || distance || reasons, '|' ORDER BY area_code, rank)) FROM marts.peer_neighbours`)
		if code, _, stderr := run(t, "build", "--db", db, "--full", "marts.peer_neighbours"); code != 0 {
			t.Fatalf("rebuild: exit %d: %s", code, stderr)
		}
		after := sqlCSV(t, db, `SELECT md5(string_agg(area_code || neighbour_code || rank || distance || reasons, '|' ORDER BY area_code, rank)) FROM marts.peer_neighbours`)
		if before[0][0] != after[0][0] {
			t.Error("rebuilding the neighbours gave different neighbours")
		}
	})

	t.Run("benchmarks rank within peers and nationally", func(t *testing.T) {
		bad := sqlCSV(t, db, `SELECT kpi_id, area_code, period FROM marts.kpi_benchmarks
			WHERE value IS NOT NULL AND (peer_rank > peer_n OR national_rank > national_n OR coverage_reporting > coverage_expected)`)
		if len(bad) > 0 {
			t.Errorf("inconsistent benchmarks: %v", bad)
		}
		got := sqlCSV(t, db, `SELECT count(*) FROM marts.kpi_benchmarks WHERE peer_median IS NOT NULL`)
		if got[0][0] == "0" {
			t.Error("no benchmark has a peer median")
		}
	})
}

func parseF(t *testing.T, s string) float64 {
	t.Helper()
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return f
}

// compareValues checks that got (area_code, value rows) equals want for every area, to rounding.
func compareValues(t *testing.T, what string, got [][]string, want map[string]float64) {
	t.Helper()
	if len(want) == 0 {
		t.Fatalf("%s: the independent query found nothing to compare", what)
	}
	seen := map[string]bool{}
	for _, r := range got {
		w, ok := want[r[0]]
		if !ok {
			t.Errorf("%s: %s has a KPI value %s but no independent figure", what, r[0], r[1])
			continue
		}
		seen[r[0]] = true
		if v := parseF(t, r[1]); math.Abs(v-w) > 1e-9*math.Max(1, math.Abs(w)) {
			t.Errorf("%s: %s = %v, independently %v", what, r[0], v, w)
		}
	}
	for a := range want {
		if !seen[a] {
			t.Errorf("%s: %s has an independent figure %v but no KPI value", what, a, want[a])
		}
	}
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
