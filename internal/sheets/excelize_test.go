package sheets

// The measurement behind keeping this package's XLSX reader rather than building it on excelize's
// streaming Rows() (docs/DEVELOPING.md, "XLSX: the reader and excelize"). Re-measure with
//
//	go test -run TestExcelizeStreamingConformance -excelize -v ./internal/sheets
//	go test -run XXX -bench BenchmarkXLSXRead -benchmem ./internal/sheets

import (
	"bytes"
	"flag"
	"fmt"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var measureExcelize = flag.Bool("excelize", false, "measure excelize's streaming Rows() against the XLSX conformance cases")

// excelizeRows reads a sheet the way a reader built on excelize's streaming iterator would: the
// stored value (RawCellValue; the display text would depend on each cell's format), a Number when
// that is a plain decimal number, else a String. The iterator gives no cell type, style or formula flag,
// so that is the most it can tell. Rows holding nothing are skipped, as Rows does.
func excelizeRows(f *excelize.File, sheet string) ([]row, error) {
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []row
	for n := 1; it.Next(); n++ {
		cols, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, err
		}
		for len(cols) > 0 && cols[len(cols)-1] == "" {
			cols = cols[:len(cols)-1]
		}
		if len(cols) == 0 {
			continue
		}
		cells := make([]Cell, len(cols))
		for i, v := range cols {
			switch f, err := strconv.ParseFloat(v, 64); {
			case v == "":
			case err == nil && isPlainDecimal(v):
				cells[i] = Cell{Kind: Number, Value: strconv.FormatFloat(f, 'f', -1, 64)}
			default:
				cells[i] = Cell{Kind: String, Value: v}
			}
		}
		out = append(out, row{n, cells})
	}
	return out, it.Error()
}

// cellDiffs counts the cells of want, and those got gives another kind or value.
func cellDiffs(got, want []row) (cells, kinds, values int) {
	byRow := map[int][]Cell{}
	for _, r := range got {
		byRow[r.N] = r.Cells
	}
	for _, w := range want {
		for c, wc := range w.Cells {
			if wc.Kind == Empty {
				continue
			}
			cells++
			var g Cell
			if c < len(byRow[w.N]) {
				g = byRow[w.N][c]
			}
			switch {
			case g.Kind != wc.Kind:
				kinds++
			case g.Value != wc.Value:
				values++
			}
		}
	}
	return cells, kinds, values
}

// TestExcelizeStreamingConformance reads the XLSX conformance cases (the fixtures of the XLSX tests,
// whose expected cells were checked by hand, and the reference workbooks, where this package's
// reader is the referee: its values agree with excelize's GetRows, TestReferenceXLSXMatchesExcelize)
// with excelizeRows and logs how many cells come out with another kind or value.
func TestExcelizeStreamingConformance(t *testing.T) {
	if !*measureExcelize {
		t.Skip("a measurement, not a check: run with -excelize")
	}
	report := func(name string, f *excelize.File, sheet string, want []row) {
		got, err := excelizeRows(f, sheet)
		if err != nil {
			t.Logf("%-40s excelize fails: %v", name, err)
			return
		}
		cells, kinds, values := cellDiffs(got, want)
		t.Logf("%-40s %6d cells, %5d of another kind, %4d of another value", name, cells, kinds, values)
	}
	data, wantData, wantOther := xlsxCells()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Logf("%-40s excelize fails to open: %v", "TestXLSXCells fixture", err)
	} else {
		report("TestXLSXCells fixture, Data", f, "Data", wantData)
		report("TestXLSXCells fixture, Other", f, "Other", wantOther)
		f.Close()
	}
	path, want := writeExcelizeWorkbook(t)
	if f, err = excelize.OpenFile(path); err != nil {
		t.Fatal(err)
	}
	report("TestXLSXWrittenByExcelize fixture", f, "Activity Data 2024", want)
	f.Close()
	for _, rel := range []string{librariesX, iodFile10, giving360} {
		wb := openReference(t, rel)
		if f, err = excelize.OpenFile(reference(t, rel)); err != nil {
			t.Fatal(err)
		}
		for _, sheet := range wb.Sheets() {
			want, err := readSheet(wb, sheet)
			if err != nil {
				t.Fatal(err)
			}
			report(fmt.Sprintf("%.24s, %.14s", filepath.Base(rel), sheet), f, sheet, want)
		}
		f.Close()
	}
}

// BenchmarkXLSXRead reads every row of a sheet with this package's reader (typed cells) and with
// excelize's streaming Rows() (raw strings, no types), opening the file each time: the three
// reference workbooks and a generated one of national size (100,000 rows of 12 columns, the shape
// of a 360Giving export).
func BenchmarkXLSXRead(b *testing.B) {
	big := filepath.Join(b.TempDir(), "national.xlsx")
	if err := writeNationalXLSX(big, 100_000); err != nil {
		b.Fatal(err)
	}
	files := []struct{ name, path, sheet string }{
		{"libraries", reference(b, librariesX), "Activity Data 2024"},
		{"iod-file-10", reference(b, iodFile10), "IMD"},
		{"360giving-template", reference(b, giving360), "grants"},
		{"national-100k", big, "grants"},
	}
	for _, file := range files {
		b.Run("reader/"+file.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				wb, err := Open(file.path)
				if err != nil {
					b.Fatal(err)
				}
				rows, err := wb.Rows(file.sheet)
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
					_ = rows.Row()
				}
				if err := rows.Err(); err != nil {
					b.Fatal(err)
				}
				rows.Close()
				wb.Close()
			}
		})
		b.Run("excelize/"+file.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f, err := excelize.OpenFile(file.path)
				if err != nil {
					b.Fatal(err)
				}
				it, err := f.Rows(file.sheet)
				if err != nil {
					b.Fatal(err)
				}
				for it.Next() {
					if _, err := it.Columns(excelize.Options{RawCellValue: true}); err != nil {
						b.Fatal(err)
					}
				}
				it.Close()
				f.Close()
			}
		})
	}
}

// writeNationalXLSX writes n grant rows with excelize's StreamWriter: text, numbers and dates.
func writeNationalXLSX(path string, n int) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "grants"); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter("grants")
	if err != nil {
		return err
	}
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}
	header := []any{"Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
		"Recipient Org:Identifier", "Recipient Org:Name", "Recipient Org:Postal Code", "Beneficiary Location:Geographic Code",
		"Funding Org:Identifier", "Funding Org:Name"}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	day := time.Date(2023, 4, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		err := sw.SetRow(cell, []any{
			fmt.Sprintf("360G-ACE-%07d", i), fmt.Sprintf("Project %d", i), "A community arts project with workshops and a touring show",
			"GBP", float64(1000 + i%90000), excelize.Cell{StyleID: date, Value: day.AddDate(0, 0, i%700)},
			fmt.Sprintf("GB-CHC-%07d", 1000000+i%5000), fmt.Sprintf("Organisation %d", i%5000), "AB1 2CD",
			fmt.Sprintf("E0600%04d", i%300), "GB-CHC-1036733", "Arts Council England",
		})
		if err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}
