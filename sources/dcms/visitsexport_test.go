package dcms

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/funding/fundingtest"
)

// officialVisits writes the demo's official visits workbook (to June 2025) and a user's CSV export
// of its table 1a from a later release (January 2023 to September 2025) to dir.
func officialVisits(t *testing.T, dir string) (workbook, export string) {
	t.Helper()
	sample, err := demo.Generate()
	if err != nil {
		t.Fatal(err)
	}
	const odsName = "Monthly_and_Quarterly_Visits_to_DCMS-Sponsored_Museums_and_Galleries_-_to_June_2025_data_tables.ods"
	for k, f := range sample.Files {
		if strings.HasSuffix(k, "/"+odsName) {
			workbook = filepath.Join(dir, odsName)
			if err := os.WriteFile(workbook, f.Body, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	if workbook == "" {
		t.Fatalf("the demo serves no %s", odsName)
	}
	name, body, err := demo.MuseumVisitsExport(time.Date(2025, 9, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	export = filepath.Join(dir, name)
	if err := os.WriteFile(export, body, 0o644); err != nil {
		t.Fatal(err)
	}
	return workbook, export
}

// TestPartialExportKeepsTheOfficialWorkbook loads a user's CSV export of table 1a (months only,
// from a later release) and the official workbook, in both orders: core.museum_visits keeps the
// workbook's archive, quarters, running totals and notes, takes from the export only the months no
// workbook holds, and the export's own Notes column is read into note and revised.
func TestPartialExportKeepsTheOfficialWorkbook(t *testing.T) {
	workbook, export := officialVisits(t, t.TempDir())
	var first []string
	for _, order := range [][]string{{export, workbook}, {workbook, export}} {
		e := fundingtest.New(t, "")
		var keys []string
		for _, f := range order {
			res := e.Ingest("dcms-museum-visits", sources.Options{From: f, Vintage: map[bool]string{true: "2025-09", false: "2025-06"}[strings.HasSuffix(f, ".csv")]})
			keys = append(keys, res.Loads[0].Release.Key())
		}
		if strings.Join(keys, " ") != "monthly-visits-export@2025-09 monthly-visits@2025-06" &&
			strings.Join(keys, " ") != "monthly-visits@2025-06 monthly-visits-export@2025-09" {
			t.Fatalf("releases %q", keys)
		}
		e.Build("core.museum_visits", "core.museum_visit_reconciliation")
		got := e.Rows(`SELECT dataset, table_id, grain, count(DISTINCT period_start), strftime(min(period_start), '%Y-%m'), strftime(max(period_start), '%Y-%m')
			FROM core.museum_visits GROUP BY ALL ORDER BY ALL`)
		want := []string{
			"monthly-visits | 1a | month | 30 | 2023-01 | 2025-06",
			"monthly-visits | 1b | quarter | 10 | 2023-01 | 2025-04",
			"monthly-visits | 2a | month | 36 | 2016-04 | 2019-03",
			"monthly-visits | 2a | year_to_date | 3 | 2016-04 | 2018-04",
			"monthly-visits | 2b | quarter | 12 | 2016-04 | 2019-01",
			"monthly-visits-export | 1a | month | 3 | 2025-07 | 2025-09",
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("core.museum_visits by release and table:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		notes := e.Rows(`SELECT strftime(period_start, '%Y-%m'), note, revised FROM core.museum_visits
			WHERE museum = 'DCMS Total' AND grain = 'month' AND note IS NOT NULL ORDER BY 1`)
		if strings.Join(notes, "\n") != "2023-01 | [note 2] | false\n2023-02 | [note 2] | false" {
			t.Errorf("DCMS's notes in core.museum_visits:\n%s", strings.Join(notes, "\n"))
		}
		// The export's Notes name workbook cells (D5, E5) three rows below its own: read by column.
		exp := e.Rows(`SELECT table_id, strftime(period_start, '%Y-%m'), note, revised, visits FROM raw.dcms_museum_visits
			WHERE _dataset = 'monthly-visits-export' AND museum_name = 'DCMS Total' AND period_start < DATE '2023-04-01' ORDER BY 2`)
		if len(exp) != 3 || !strings.HasPrefix(exp[0], "1a | 2023-01 | [note 2] | true | ") || !strings.HasPrefix(exp[1], "1a | 2023-02 | [note 2] | true | ") ||
			!strings.HasPrefix(exp[2], "1a | 2023-03 | <nil> | false | ") {
			t.Errorf("the export's cells:\n%s", strings.Join(exp, "\n"))
		}
		all := e.Rows(`SELECT museum, grain, period_start, visits, note, revised, table_id, dataset, vintage FROM core.museum_visits ORDER BY ALL`)
		if first == nil {
			first = all
		} else if strings.Join(all, "\n") != strings.Join(first, "\n") {
			t.Errorf("core.museum_visits depends on the order the files were loaded in")
		}
	}
}

// TestVisitsVintageFromARangeOrRefused: a file name stating a range of months gives the vintage;
// a file whose name and title say nothing is refused with an error naming --vintage.
func TestVisitsVintageFromARangeOrRefused(t *testing.T) {
	for in, want := range map[string]string{
		"DCMS_museum_visits_table_1a_Jan2019-Sep2025.csv":                 "2025-09",
		"visits January 2019 to June 2025.csv":                            "2025-06",
		"museum-visits_jan-2019_-_mar-2024.ods":                           "2024-03",
		"Monthly_visits_-_to_June_2025_data_tables.ods":                   "2025-06",
		"visits_2019-2025.csv":                                            "",
		"Visits_Sep2025-Jan2019.csv":                                      "",
		"Monthly_and_Quarterly_Visits_to_DCMS-Sponsored_Museums_2025.ods": "",
	} {
		if got := lastMonth(in); got != want {
			t.Errorf("lastMonth(%q) = %q, want %q", in, got, want)
		}
	}
	_, export := officialVisits(t, t.TempDir())
	undated := filepath.Join(t.TempDir(), "museum visits.csv")
	b, _ := os.ReadFile(export)
	if err := os.WriteFile(undated, b, 0o644); err != nil {
		t.Fatal(err)
	}
	e := fundingtest.New(t, "")
	_, err := e.TryIngest("dcms-museum-visits", sources.Options{From: undated})
	if !errors.Is(err, sources.ErrNoVintage) || !strings.Contains(err.Error(), "--vintage") {
		t.Fatalf("err = %v, want ErrNoVintage naming --vintage", err)
	}
	res := e.Ingest("dcms-museum-visits", sources.Options{From: undated, Vintage: "2025-09"})
	if got := res.Loads[0].Release.Key(); got != "monthly-visits-export@2025-09" {
		t.Errorf("with --vintage: %s", got)
	}
}
