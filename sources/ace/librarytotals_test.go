package ace_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/funding/fundingtest"
)

// TestRealLibraryTotalsDerivedFromParts loads the real 2023-24 Libraries Activity Data workbook,
// where some services left a loans total blank and filled its age bands: core.library_activity
// derives those totals from the bands (flagged derived_from_parts), so the loans CS-10 sums hold
// them, and keeps every published total as published.
func TestRealLibraryTotalsDerivedFromParts(t *testing.T) {
	ref, ok := config.ReferenceDir(fundingtest.RepoRoot())
	if !ok {
		t.Skip("../shared/reference is absent (set CORNERSTONE_REFERENCE): skipping the conformance test on the real ACE workbook")
	}
	e := fundingtest.New(t, "")
	e.Register(filepath.Join(ref, "population_geography", "uk_local_authorities_register.csv"))
	e.Ingest("ace-library-activity", sources.Options{From: filepath.Join(ref, "libraries", "Libraries_Activity_Data_2023-24_FINAL.xlsx")})
	e.Build("core.library_activity")

	got := e.Rows(`SELECT library_service, format, period_type, strftime(period_start, '%Y-%m'), value, source_column
		FROM core.library_activity WHERE derived_from_parts AND measure = 'loans' ORDER BY ALL`)
	want := []string{
		"Cambridgeshire Libraries | physical book | month | 2024-03 | 130448 | sum of Loans And Lending Adult 18 - March 2024 + Loans And Lending Children Under 12 - March 2024 + Loans And Lending Young People Under 12 17 - March 2024",
		"Knowsley Library Service | physical audiobook | month | 2024-03 | 286 | sum of Loans And Lending Adult 18 - March 2024_digital + Loans And Lending Children Under 12 - March 2024_digital",
		"Somerset | physical book | month | 2024-03 | 64101 | sum of Loans And Lending Adult 18 - March 2024",
		"Wolverhampton Libraries & Information | physical audiobook | month | 2024-03 | 7374 | sum of Loans And Lending Adult 18 - March 2024_digital + Loans And Lending Children Under 12 - March 2024_digital",
		"Wolverhampton Libraries & Information | physical book | month | 2024-03 | 476082 | sum of Loans And Lending Adult 18 - March 2024 + Loans And Lending Children Under 12 - March 2024",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("derived loan totals:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	// What CS-10 sums for Wolverhampton: its published ebook and eaudiobook totals (25,362) and
	// the two derived totals.
	var wolves float64
	e.Scalar(&wolves, `SELECT sum(value) FROM core.library_activity
		WHERE library_service LIKE 'Wolverhampton%' AND measure = 'loans' AND age_band = 'total'`)
	if wolves != 25362+476082+7374 {
		t.Errorf("Wolverhampton's loans total %.0f, want %d", wolves, 25362+476082+7374)
	}

	// Published totals stay as published: the raw table's total cells, no more, no fewer.
	var published, raw int
	e.Scalar(&published, `SELECT count(*) FROM core.library_activity WHERE age_band = 'total' AND NOT derived_from_parts`)
	e.Scalar(&raw, `SELECT count(*) FROM raw.ace_library_activity WHERE age_band = 'total'`)
	if published != raw {
		t.Errorf("%d published totals in core, %d in raw", published, raw)
	}
	// Totals that disagree with their bands are reported by the warn test, not changed.
	res := e.Rows(`SELECT status, failures > 0 FROM meta.test_results
		WHERE test_id LIKE 'core.library_activity:expect(derived_from_parts OR parts_value IS NULL%' ORDER BY checked_at DESC LIMIT 1`)
	if len(res) != 1 || res[0] != "fail | true" {
		t.Errorf("the reconciliation warn test: %q", res)
	}
}

// TestDemoLibraryTotalsDerivedFromParts loads the demo workbook, whose first service leaves its
// physical book issue totals blank with the age bands filled: each month's total is derived from
// the bands, and every published total agrees with the bands beside it.
func TestDemoLibraryTotalsDerivedFromParts(t *testing.T) {
	e := demoEnv(t)
	e.Ingest("ace-library-activity", sources.Options{})
	e.Build("core.library_activity")

	var first string
	e.Scalar(&first, `SELECT min(library_service) FROM raw.ace_library_activity`)
	got := e.Rows(`SELECT count(*), bool_and(derived_from_parts), min(value) > 0 FROM core.library_activity
		WHERE library_service = ? AND measure = 'loans' AND format = 'physical book' AND age_band = 'total'`, first)
	if len(got) != 1 || got[0] != "12 | true | true" {
		t.Errorf("%s's physical book totals: %q, want 12 months derived from the bands", first, got)
	}
	var mismatch float64
	e.Scalar(&mismatch, `SELECT coalesce(max(abs(t.value - b.bands)), 0) FROM core.library_activity AS t
		JOIN (SELECT library_service, measure, format, period_start, sum(value) AS bands FROM core.library_activity
			WHERE age_band <> 'total' GROUP BY ALL) AS b USING (library_service, measure, format, period_start)
		WHERE t.age_band = 'total'`)
	if mismatch != 0 {
		t.Errorf("a total differs from its age bands by %v", mismatch)
	}
	res := e.Rows(`SELECT status FROM meta.test_results
		WHERE test_id LIKE 'core.library_activity:expect(derived_from_parts OR parts_value IS NULL%' ORDER BY checked_at DESC LIMIT 1`)
	if len(res) != 1 || res[0] != "pass" {
		t.Errorf("the reconciliation warn test on the demo: %q", res)
	}
}
