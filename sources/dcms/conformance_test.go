package dcms

import (
	"math"
	"testing"
)

const (
	refVisits     = "museums/Monthly_and_Quarterly_Visits_to_DCMS-Sponsored_Museums_and_Galleries_-_to_June_2025_data_tables.ods"
	refIndicators = "museums/DCMS_sponsored_museums_and_galleries_annual_performance_indicators_2023_24_tables.ods"
)

// TestConformanceVisits reads the real "to June 2025" workbook.
func TestConformanceVisits(t *testing.T) {
	path := referenceFile(t, refVisits)
	rows := readVisitRows(t, path)
	// No sheet of the real workbook has part of the visits header without the rest.
	var notes []string
	if _, err := readVisitsNoting(bg, path, "visits.ods", (&collector{want: len(VisitsTable.Columns)}).emit, func(n string) { notes = append(notes, n) }); err != nil || len(notes) > 0 {
		t.Errorf("the real workbook: err %v, notes %q; want neither", err, notes)
	}
	bm, ok := find(rows, "1a", "British Museum", "2019-01-01", "month")
	if !ok || bm.visits != 447863 || bm.group != "British Museum" || bm.coverage != "Museum group" {
		t.Fatalf("British Museum January 2019 = %+v", bm)
	}
	// The same-day corrections: "4,256,452 [r]" is a revised number, not text.
	found := false
	for _, r := range rows {
		if r.visits == 4256452 && r.revised && r.coverage == "All DCMS-sponsored museums" {
			found = true
		}
	}
	if !found {
		t.Error("the revised DCMS total 4,256,452 [r] was not read as a revised number")
	}
	// For every month and quarter the group rows sum to the DCMS total within the published
	// rounding (the archive's group figures have fractions).
	type key struct{ sheet, grain, start string }
	total, groups := map[key]float64{}, map[key]float64{}
	names := map[string]bool{}
	for _, r := range rows {
		if r.sheet == "2a" && r.coverage == "Museum site" && r.parent == "" {
			t.Errorf("archive site %q has no parent group", r.name)
		}
		names[r.sheet+" "+r.coverage] = true
		if !r.hasVisits || r.grain == "year_to_date" {
			continue
		}
		k := key{r.sheet, r.grain, r.start.Format("2006-01-02")}
		switch r.coverage {
		case "All DCMS-sponsored museums":
			total[k] += r.visits
		case "Museum group":
			groups[k] += r.visits
		}
	}
	months := 0
	for k, tot := range total {
		if d := groups[k] - tot; math.Abs(d) > 1 {
			t.Errorf("%v: groups sum to %.2f, DCMS total %.2f", k, groups[k], tot)
		}
		if k.grain == "month" {
			months++
		}
	}
	// January 2019 to June 2025 (78) and the archive months with a DCMS total (April 2008 to December 2018: 129).
	if months != 78+129 {
		t.Errorf("%d months reconciled, want %d", months, 78+129)
	}
	for _, s := range []string{"1a Museum site", "1b Museum group", "2a Museum site", "2b All DCMS-sponsored museums"} {
		if !names[s] {
			t.Errorf("no %s rows", s)
		}
	}
}

// TestConformanceIndicators reads the real 2023/24 performance indicators workbook.
func TestConformanceIndicators(t *testing.T) {
	rows, notes := readIndRows(t, referenceFile(t, refIndicators))
	if len(notes) != 0 {
		t.Errorf("unrecognised tables: %v", notes)
	}
	tables := map[string]bool{}
	for _, r := range rows {
		tables[r.table+" "+r.indicator] = true
	}
	if len(tables) != 12 {
		t.Errorf("%d tables read, want 12: %v", len(tables), tables)
	}
	bm, ok := findInd(rows, "visits", "British Museum", "2023-24")
	if !ok || bm.value != 6159856 || bm.revised || bm.table != "1" {
		t.Errorf("British Museum 2023-24 visits = %+v", bm)
	}
	// "[note 2] The cell P6 is a revised figure.": column P is 2022/23.
	if r, _ := findInd(rows, "visits", "British Museum", "2022-23"); !r.revised || r.value != 4544598 || r.note != "[note 1] [note 2]" {
		t.Errorf("P6 is named revised: %+v", r)
	}
	if r, _ := findInd(rows, "visits", "British Museum", "2021-22"); r.revised {
		t.Errorf("O6 is not named revised: %+v", r)
	}
	if r, _ := findInd(rows, "visits", "British Museum", "2010-11"); !r.brk {
		t.Errorf("2010/11 [b] is a break: %+v", r)
	}
	if r, _ := findInd(rows, "visits_total", "", "2002-03"); r.value != 33615000 {
		t.Errorf("table 2 2002-03 = %+v", r)
	}
	if r, _ := findInd(rows, "would_recommend", "Victoria and Albert Museum [note 9]", "2023-24"); r.unit != "proportion" || r.value != 1 {
		t.Errorf("table 6 V&A 2023-24 = %+v", r)
	}
	if r, _ := findInd(rows, "visits_under_16", "National Museums Liverpool", "2021-22"); r.value != 247276 {
		t.Errorf("a number with a trailing non-breaking space: %+v", r)
	}
	if r, _ := findInd(rows, "visits", "Tyne and Wear Museums [note 8]", "2015-16"); r.hasValue || r.marker != "not available [x]" {
		t.Errorf("x is a marker: %+v", r)
	}
}
