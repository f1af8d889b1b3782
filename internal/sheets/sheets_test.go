package sheets

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/sheets/sheetwrite"
)

// memFile is an in-memory file for openBytes.
type memFile struct{ *bytes.Reader }

func (memFile) Close() error { return nil }

// openBytes opens a workbook held in memory, as Open opens a file.
func openBytes(name string, data []byte, opts ...Option) (Workbook, error) {
	return openFile(memFile{bytes.NewReader(data)}, int64(len(data)), newBase(name, opts))
}

// row is a row as Rows returns it.
type row struct {
	N     int
	Cells []Cell
}

func (r row) String() string { return fmt.Sprintf("%d:%v", r.N, r.Cells) }

// readSheet returns all rows of a sheet, or the error that stopped them.
func readSheet(wb Workbook, sheet string) ([]row, error) {
	rows, err := wb.Rows(sheet)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		out = append(out, row{rows.Number(), append([]Cell(nil), rows.Row()...)})
	}
	return out, rows.Err()
}

// mustRead opens data and reads one sheet, failing the test on error.
func mustRead(t *testing.T, name string, data []byte, sheet string, opts ...Option) []row {
	t.Helper()
	wb, err := openBytes(name, data, opts...)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer wb.Close()
	rows, err := readSheet(wb, sheet)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return rows
}

// Cell constructors for expectations.
func S(v string) Cell { return Cell{Kind: String, Value: v} }
func N(v string) Cell { return Cell{Kind: Number, Value: v} }
func D(v string) Cell { return Cell{Kind: Date, Value: v} }
func B(v string) Cell { return Cell{Kind: Bool, Value: v} }
func E(v string) Cell { return Cell{Kind: Error, Value: v} }

var blank = Cell{}

func r(n int, cells ...Cell) row { return row{n, cells} }

// compareRows reports every difference between got and want.
func compareRows(t *testing.T, got, want []row) {
	t.Helper()
	for i := 0; i < max(len(got), len(want)); i++ {
		switch {
		case i >= len(got):
			t.Errorf("missing row %v", want[i])
		case i >= len(want):
			t.Errorf("unexpected row %v", got[i])
		case got[i].N != want[i].N:
			t.Errorf("row %d: number %d, want %d", i, got[i].N, want[i].N)
		case !reflect.DeepEqual(got[i].Cells, want[i].Cells):
			for c := 0; c < max(len(got[i].Cells), len(want[i].Cells)); c++ {
				var g, w Cell
				if c < len(got[i].Cells) {
					g = got[i].Cells[c]
				}
				if c < len(want[i].Cells) {
					w = want[i].Cells[c]
				}
				if g != w {
					t.Errorf("cell %s: got %s %q, want %s %q", CellRef(c, want[i].N), g.Kind, g.Value, w.Kind, w.Value)
				}
			}
			if len(got[i].Cells) != len(want[i].Cells) {
				t.Errorf("row %d: %d cells, want %d", want[i].N, len(got[i].Cells), len(want[i].Cells))
			}
		}
	}
}

func TestOpenDetectsFormatFromContent(t *testing.T) {
	dir := t.TempDir()
	ods, err := sheetwrite.ODS(sheetwrite.Sheet{Name: "1a", Rows: [][]any{{"x"}}})
	if err != nil {
		t.Fatal(err)
	}
	xlsxPath := filepath.Join(dir, "book.xlsx")
	if err := sheetwrite.WriteXLSX(xlsxPath, sheetwrite.Sheet{Name: "Data", Rows: [][]any{{"x"}}}); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(xlsxPath, filepath.Join(dir, "book.ods")); err != nil { // a misleading extension
		t.Fatal(err)
	}
	files := map[string][]byte{"a.xlsx": ods, "b.xls": []byte("a,b\n1,2\n")}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name   string
		format Format
		sheets []string
	}{
		{"a.xlsx", FormatODS, []string{"1a"}},
		{"book.ods", FormatXLSX, []string{"Data"}},
		{"b.xls", FormatCSV, []string{""}},
	} {
		wb, err := Open(filepath.Join(dir, tc.name))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if wb.Format() != tc.format || !reflect.DeepEqual(wb.Sheets(), tc.sheets) {
			t.Errorf("%s: format %v sheets %q, want %v %q", tc.name, wb.Format(), wb.Sheets(), tc.format, tc.sheets)
		}
		if err := wb.Close(); err != nil {
			t.Errorf("%s: close: %v", tc.name, err)
		}
	}
}

func TestOpenRejects(t *testing.T) {
	odt := sheetwrite.ZipPackage("mimetype", "application/vnd.oasis.opendocument.text", "content.xml", "<x/>")
	docx := sheetwrite.ZipPackage("[Content_Types].xml", "<Types/>",
		"_rels/.rels", `<Relationships><Relationship Id="r1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
		"word/document.xml", "<document/>")
	xlsb := sheetwrite.ZipPackage("[Content_Types].xml", "<Types/>", "xl/workbook.bin", "\x00\x01")
	ods := mustODS(t, sheetwrite.Sheet{Name: "s", Rows: [][]any{{"a", 1.5}}})
	for _, tc := range []struct {
		name string
		data []byte
		want error
	}{
		{"text document", odt, ErrUnsupported},
		{"word document", sheetwrite.ZipPackage("[Content_Types].xml", "<Types/>", "word/document.xml", "<document/>"), ErrUnsupported},
		{"word document with rels", docx, ErrUnsupported},
		{"xlsb", xlsb, ErrUnsupported},
		{"excel 4", []byte("\x09\x04\x06\x00\x00\x00\x10\x00"), ErrUnsupported},
		{"utf-16", []byte("\xff\xfea\x00,\x00b\x00"), ErrUnsupported},
		{"html", []byte("\n<!DOCTYPE html><html><body><table></table></body></html>"), ErrUnsupported},
		{"spreadsheetml 2003", []byte(`<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>`), ErrUnsupported},
		{"truncated zip", ods[:len(ods)/2], ErrCorrupt},
		{"zip magic only", []byte("PK\x03\x04garbage"), ErrCorrupt},
		{"ole2 magic only", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1garbage"), ErrCorrupt},
	} {
		_, err := openBytes(tc.name, tc.data)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
		}
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing.csv")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: error %v, want os.ErrNotExist", err)
	}
}

func TestNoSheetListsSheets(t *testing.T) {
	wb, err := openBytes("book.ods", mustODS(t,
		sheetwrite.Sheet{Name: "Cover_sheet"}, sheetwrite.Sheet{Name: "1a"}))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	_, err = wb.Rows("1c")
	if !errors.Is(err, ErrNoSheet) {
		t.Fatalf("error %v, want ErrNoSheet", err)
	}
	for _, part := range []string{`"1c"`, "book.ods", `"Cover_sheet", "1a"`} {
		if !strings.Contains(err.Error(), part) {
			t.Errorf("error %q does not mention %s", err, part)
		}
	}
	csv, _ := openBytes("data.csv", []byte("a\n"))
	if _, err := csv.Rows("Sheet1"); !errors.Is(err, ErrNoSheet) {
		t.Errorf("CSV sheet Sheet1: error %v, want ErrNoSheet", err)
	}
}

func TestFormatString(t *testing.T) {
	for f, want := range map[Format]string{FormatCSV: "CSV", FormatXLSX: "XLSX", FormatODS: "ODS", FormatXLS: "XLS", 0: "Format(0)"} {
		if f.String() != want {
			t.Errorf("%d: %q, want %q", int(f), f.String(), want)
		}
	}
}

func TestRowsCloseTwiceAndAfterEnd(t *testing.T) {
	wb, err := openBytes("a.csv", []byte("a\nb\n"))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := wb.Rows("")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
	}
	if rows.Next() || rows.Err() != nil {
		t.Errorf("Next after end: true or error %v", rows.Err())
	}
	if rows.Close() != nil || rows.Close() != nil || rows.Next() {
		t.Error("Close twice failed, or Next after Close returned true")
	}
}

func mustODS(t testing.TB, sheets ...sheetwrite.Sheet) []byte {
	t.Helper()
	data, err := sheetwrite.ODS(sheets...)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
