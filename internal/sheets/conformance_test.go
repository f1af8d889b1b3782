package sheets

// Conformance tests against real published files in the shared reference
// folder (../shared/reference from the repository root, or
// $CORNERSTONE_REFERENCE). They skip when the folder is absent. The
// expected values were checked independently of this package: with a
// Python ElementTree dump of content.xml for the ODS files, excelize for
// the XLSX files and Python's csv module for the CSV files.

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

const (
	monthlyODS   = "museums/Monthly_and_Quarterly_Visits_to_DCMS-Sponsored_Museums_and_Galleries_-_to_June_2025_data_tables.ods"
	annualODS    = "museums/DCMS_sponsored_museums_and_galleries_annual_performance_indicators_2023_24_tables.ods"
	librariesX   = "libraries/Libraries_Activity_Data_2023-24_FINAL.xlsx"
	iodFile10    = "population_geography/File_10_-_IoD2019_Local_Authority_District_Summaries__lower-tier__.xlsx"
	mye2CSV      = "population_geography/mye24tablesew_MYE2-Persons.csv"
	aceNPO2023   = "funding/ace_npo_2023-26_as_exported_nov2022.csv"
	giving360    = "funding/360-giving-schema-titles-with-meta-tab-2023.xlsx"
	librariesCSV = "libraries/basic-dataset-for-libraries-2023-enhanced.csv"
)

// reference returns the path of a reference file, skipping the test when
// the reference folder or the file is absent.
func reference(t testing.TB, rel string) string {
	t.Helper()
	dir := os.Getenv("CORNERSTONE_REFERENCE")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "reference")
	}
	path := filepath.Join(dir, rel)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("reference file %s not available (set CORNERSTONE_REFERENCE to the shared reference folder): %v", rel, err)
	}
	return path
}

func openReference(t testing.TB, rel string) Workbook {
	t.Helper()
	wb, err := Open(reference(t, rel))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wb.Close() })
	return wb
}

// column returns the index of the header cell whose normalised text is name.
func column(t *testing.T, header []Cell, name string) int {
	t.Helper()
	for i, c := range header {
		if NormalizeHeader(c.Value) == name {
			return i
		}
	}
	t.Fatalf("no column %q in header", name)
	return -1
}

func TestReferenceDCMSMonthly(t *testing.T) {
	wb := openReference(t, monthlyODS)
	if wb.Format() != FormatODS {
		t.Errorf("format %v", wb.Format())
	}
	if got, want := wb.Sheets(), []string{"Cover_sheet", "Contents", "Notes", "1a", "1b", "2a", "2b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("sheets %q, want %q", got, want)
	}
	rows, err := wb.Rows("1a")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n, header, err := FindHeader(rows, 10, "Museum Name", "Museum Group", "Coverage", "January 2019")
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 {
		t.Errorf("header row %d, want 4", n)
	}
	var first []string
	for _, c := range header[:4] {
		first = append(first, NormalizeHeader(c.Value))
	}
	if want := []string{"Museum Name", "Museum Group", "Coverage", "January 2019"}; !reflect.DeepEqual(first, want) {
		t.Errorf("header starts %q, want %q", first, want)
	}
	if last := header[len(header)-1]; last != S("Notes") || len(header) != 82 {
		t.Errorf("header has %d cells ending %v, want 82 ending Notes", len(header), last)
	}
	jan := column(t, header, "January 2019")
	sep := column(t, header, "September 2020 [r]")
	found := map[string]Cell{}
	count, lastRow := 0, 0
	for rows.Next() {
		row := rows.Row()
		count, lastRow = count+1, rows.Number()
		switch name := row[0].Value; name {
		case "British Museum":
			found[name] = row[jan]
		case "DCMS Total":
			found[name] = row[69] // a revised cell, stored as text
			found["DCMS Total Sep 2020"] = row[sep]
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if found["British Museum"] != N("447863") {
		t.Errorf("British Museum January 2019: %v, want 447863", found["British Museum"])
	}
	if found["DCMS Total"] != S("4,256,452 [r]") {
		t.Errorf("DCMS Total column BR: %v, want the text 4,256,452 [r]", found["DCMS Total"])
	}
	if c := found["DCMS Total Sep 2020"]; c.Kind != Number {
		t.Errorf("DCMS Total September 2020: %v, want a number", c)
	}
	if count != 41 || lastRow != 45 {
		t.Errorf("%d data rows ending at row %d, want 41 ending at 45", count, lastRow)
	}

	archive, err := readSheet(wb, "2a")
	if err != nil {
		t.Fatal(err)
	}
	if len(archive) != 758 || archive[len(archive)-1].N != 758 {
		t.Errorf("2a: %d rows, want 758", len(archive))
	}
	dcms := archive[4] // row 5: DCMS Total, April
	if dcms.N != 5 || dcms.Cells[3] != S("x") || dcms.Cells[8] != N("3643655.64") {
		t.Errorf("2a row 5: %v, want x in D5 and 3643655.64 in I5", dcms)
	}
	nbsp := false
	for _, r := range archive {
		nbsp = nbsp || strings.Contains(r.Cells[0].Value, "\u00a0")
	}
	if !nbsp {
		t.Error("2a: the museum name with a non-breaking space was not found")
	}
}

func TestReferenceDCMSAnnual(t *testing.T) {
	wb := openReference(t, annualODS)
	want := []string{"Cover_sheet", "Contents", "Notes", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"}
	if got := wb.Sheets(); !reflect.DeepEqual(got, want) {
		t.Errorf("sheets %q, want %q", got, want)
	}
	table6, err := readSheet(wb, "6")
	if err != nil {
		t.Fatal(err)
	}
	// Percentages read as their stored fractions, not as the 85% shown.
	if got := table6[5]; got.N != 6 || !reflect.DeepEqual(got.Cells[:3], []Cell{S("British Museum"), N("0.85"), N("0.996")}) {
		t.Errorf("table 6 row 6: %v", got)
	}
	table1, err := readSheet(wb, "1")
	if err != nil {
		t.Fatal(err)
	}
	if h := table1[4]; h.N != 5 || h.Cells[3] != S("2010/11 [b]") || h.Cells[12] != S("2019/20 ") {
		t.Errorf("table 1 header: %v", h)
	}
}

func TestReferenceIoDFile10(t *testing.T) {
	wb := openReference(t, iodFile10)
	if got := wb.Sheets(); len(got) != 11 || got[0] != "Notes" || got[1] != "IMD" || got[10] != "IDAOPI" {
		t.Errorf("sheets %q", got)
	}
	rows, err := wb.Rows("IMD")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n, header, err := FindHeader(rows, 5, "Local Authority District code (2019)", "IMD - Average score")
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 || header[4] != S("IMD - Average score ") { // the trailing space is in the file
		t.Errorf("header row %d, E1 %v", n, header[4])
	}
	score := column(t, header, "IMD - Average score")
	count := 0
	for rows.Next() {
		row := rows.Row()
		count++
		if row[1].Value == "Hartlepool" {
			if row[0] != S("E06000001") || row[score] != N("35.037") || row[2] != N("22581.98") {
				t.Errorf("Hartlepool: %v", row)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if count != 317 {
		t.Errorf("%d districts, want 317", count)
	}
}

func TestReferenceLibrariesActivity(t *testing.T) {
	wb := openReference(t, librariesX)
	if got, want := wb.Sheets(), []string{"Introduction", "Field definitions and notes", "Activity Data 2024"}; !reflect.DeepEqual(got, want) {
		t.Errorf("sheets %q, want %q", got, want)
	}
	rows, err := readSheet(wb, "Activity Data 2024")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 130 || len(rows[0].Cells) != 504 {
		t.Fatalf("%d rows, header of %d cells; want 1+129 rows, 504 header cells", len(rows), len(rows[0].Cells))
	}
	if got := rows[1].Cells[:3]; !reflect.DeepEqual(got, []Cell{S("Barbican & Community Libraries"), S("City of London"), N("16616")}) {
		t.Errorf("first service: %v", got)
	}
	for _, r := range rows[1:] {
		if r.Cells[0].Kind != String || r.Cells[1].Kind != String {
			t.Errorf("row %d has no service name: %v", r.N, r.Cells[:2])
		}
	}
}

// TestReferenceXLSXMatchesExcelize compares every cell of the reference
// XLSX files with the raw values excelize reads.
func TestReferenceXLSXMatchesExcelize(t *testing.T) {
	for _, rel := range []string{librariesX, iodFile10, giving360} {
		path := reference(t, rel)
		ef, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		wb := openReference(t, rel)
		for _, sheet := range wb.Sheets() {
			want, err := ef.GetRows(sheet, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			rows, err := readSheet(wb, sheet)
			if err != nil {
				t.Fatal(err)
			}
			got := map[int][]Cell{}
			for _, r := range rows {
				got[r.N] = r.Cells
			}
			for i, wantRow := range want {
				for c, w := range wantRow {
					var g Cell
					if c < len(got[i+1]) {
						g = got[i+1][c]
					}
					ok := g.Value == w
					if g.Kind == Number {
						a, errA := strconv.ParseFloat(w, 64)
						b, _ := g.Float()
						ok = errA == nil && a == b
					}
					if !ok {
						t.Errorf("%s %q %s: got %v, excelize %q", filepath.Base(rel), sheet, CellRef(c, i+1), g, w)
					}
				}
			}
			if len(rows) > 0 && rows[len(rows)-1].N > len(want) {
				t.Errorf("%s %q: last row %d beyond excelize's %d", rel, sheet, rows[len(rows)-1].N, len(want))
			}
		}
		ef.Close()
	}
}

func TestReferenceCSV(t *testing.T) {
	wb := openReference(t, mye2CSV)
	rows, err := readSheet(wb, "")
	if err != nil {
		t.Fatal(err)
	}
	if got := rows[0].Cells[:4]; !reflect.DeepEqual(got, []Cell{S("Code"), S("Name"), S("Geography"), S("All ages")}) {
		t.Errorf("MYE2 header starts %v", got)
	}
	if len(rows) != 358 || len(rows[0].Cells) != 95 || rows[1].Cells[3] != S("61806682") {
		t.Errorf("MYE2: %d records, %d columns, D2 %v", len(rows), len(rows[0].Cells), rows[1].Cells[3])
	}

	wb = openReference(t, aceNPO2023)
	ace, err := wb.Rows("")
	if err != nil {
		t.Fatal(err)
	}
	defer ace.Close()
	_, header, err := FindHeader(ace, 3, "Applicant Name", "Type of organisation (NPO/IPSO/Transfer)")
	if err != nil {
		t.Fatal(err)
	}
	amount := column(t, header, "2023-26 Annual Funding (Offered 4 Nov 2022)")
	if !ace.Next() || ace.Number() != 3 || ace.Row()[0] != S("1927") || ace.Row()[amount] != S("£220,993") {
		t.Errorf("first award: line %d %v", ace.Number(), ace.Row())
	}
	count := 1
	for ace.Next() {
		count++
	}
	if ace.Err() != nil || count != 990 || ace.Number() != 992 {
		t.Errorf("%d awards ending on line %d (%v), want 990 ending on line 992", count, ace.Number(), ace.Err())
	}

	libs, err := readSheet(openReference(t, librariesCSV), "")
	if err != nil || len(libs) != 3540 {
		t.Errorf("libraries: %d records, %v; want 3540", len(libs), err)
	}
}

// BenchmarkReadLargestODS reads every sheet of the largest reference ODS
// (3.5 MB of content.xml declaring 7 x 1,048,576 rows x 16,384 columns).
func BenchmarkReadLargestODS(b *testing.B) {
	path := reference(b, monthlyODS)
	b.ReportAllocs()
	for b.Loop() {
		wb, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		cells := 0
		for _, sheet := range wb.Sheets() {
			rows, err := wb.Rows(sheet)
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
				cells += len(rows.Row())
			}
			if err := rows.Err(); err != nil {
				b.Fatal(err)
			}
			rows.Close()
		}
		wb.Close()
		b.ReportMetric(float64(cells), "cells/op")
	}
}
