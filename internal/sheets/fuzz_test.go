package sheets

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets/sheetstest"
)

// fuzzLimits keeps each fuzz input cheap.
var fuzzLimits = WithLimits(Limits{MaxUncompressed: 16 << 20, MaxCells: 200_000, MaxRowCells: 2_000, MaxCellBytes: 64 << 10})

var dateValue = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2})?|-?\d{2,}:\d{2}:\d{2})$`)

// exercise reads every sheet of wb and checks the package's invariants:
// every error wraps a sentinel, rows are non-empty and trimmed, values are
// canonical for their kind.
func exercise(t *testing.T, wb Workbook, err error, increasing bool) {
	if err != nil {
		checkSentinel(t, err)
		return
	}
	defer wb.Close()
	for _, sheet := range wb.Sheets() {
		rows, err := wb.Rows(sheet)
		if err != nil {
			checkSentinel(t, err)
			continue
		}
		last := 0
		for rows.Next() {
			row, n := rows.Row(), rows.Number()
			if len(row) == 0 || row[len(row)-1].Kind == Empty || n < 1 || (increasing && n <= last) {
				t.Fatalf("sheet %q row %d (after %d): bad row %v", sheet, n, last, row)
			}
			last = n
			for c, cell := range row {
				checkCell(t, cell, CellRef(c, n))
			}
		}
		if err := rows.Err(); err != nil {
			checkSentinel(t, err)
		}
		if err := rows.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
	}
}

func checkSentinel(t *testing.T, err error) {
	if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrTooLarge) && !errors.Is(err, ErrUnsupported) {
		t.Fatalf("error wraps no sentinel: %v", err)
	}
}

func checkCell(t *testing.T, c Cell, ref string) {
	ok := true
	switch c.Kind {
	case Empty:
		ok = c.Value == ""
	case String, Error:
		ok = c.Value != ""
	case Number:
		_, ok = c.Float()
	case Bool:
		ok = c.Value == "TRUE" || c.Value == "FALSE"
	case Date:
		ok = dateValue.MatchString(c.Value)
	default:
		ok = false
	}
	if !ok {
		t.Fatalf("cell %s: non-canonical %s %q", ref, c.Kind, c.Value)
	}
}

func FuzzODS(f *testing.F) {
	f.Add([]byte(sheetstest.ODSContent(odsCellsFixture())))
	f.Add([]byte(sheetstest.ODSContent(tableXML("a", rowXML(str("<text:p>x</text:p>")), `<table:table-row table:number-rows-repeated="5"><table:covered-table-cell/>`+float("1", "1")+`</table:table-row>`))))
	f.Add([]byte(sheetstest.ODSContent(`<table:table table:name="n"><table:table-row><table:table-cell><table:table table:name="inner"/></table:table-cell></table:table-row></table:table><!-- <table:table table:name="c"> --><![CDATA[<table:table>]]>`)))
	f.Fuzz(func(t *testing.T, content []byte) {
		wb, err := openBytes("fuzz.ods", sheetstest.ODSPackageOf(string(content)), fuzzLimits)
		exercise(t, wb, err, true)
	})
}

func FuzzXLSX(f *testing.F) {
	f.Add([]byte(worksheet(`<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" s="1"><v>43496</v></c><c r="C1" t="inlineStr"><is><t>x</t></is></c><c t="e"><v>#N/A</v></c></row><row><c t="b"><v>1</v></c><c s="6"><v>0.5</v></c><c t="d"><v>2019-01-31</v></c></row>`)),
		[]byte(xlsxSST), []byte(xlsxStyles))
	f.Add([]byte(worksheet(`<row r="3"><c r="XFD3" t="str"><v>_x0041_</v></c></row>`)), []byte(`<sst><si><r><t>a</t></r></si></sst>`), []byte(`<styleSheet/>`))
	f.Fuzz(func(t *testing.T, sheet, sst, styles []byte) {
		data := sheetstest.ZipPackage(
			"[Content_Types].xml", `<Types/>`,
			"_rels/.rels", xlsxRels,
			"xl/workbook.xml", `<workbook xmlns:r="r"><sheets><sheet name="Data" r:id="rId1"/><sheet name="Other" r:id="rId2"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels", xlsxWorkbookRels,
			"xl/styles.xml", string(styles),
			"xl/sharedStrings.xml", string(sst),
			"xl/worksheets/sheet1.xml", string(sheet),
			"xl/worksheets/sheet2.xml", worksheet(`<row r="1"><c><v>1</v></c></row>`),
		)
		wb, err := openBytes("fuzz.xlsx", data, fuzzLimits)
		exercise(t, wb, err, false)
	})
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("\xef\xbb\xbfCode,Name,\"Type of\r\norganisation\",All ages\r\nE06000001,\"Hartle\"\"pool\",,92571\r\n\r\n,,\n"))
	f.Add([]byte("a,b\"c\n\xff\xfe,\"open"))
	f.Fuzz(func(t *testing.T, data []byte) {
		wb := openCSV(memFile{bytes.NewReader(data)}, int64(len(data)), newBase("fuzz.csv", []Option{fuzzLimits}))
		exercise(t, wb, nil, true)
	})
}

func FuzzOpen(f *testing.F) {
	f.Add(mustODS(f, sheetstest.Sheet{Name: "1a", Rows: [][]any{{"Museum Name", "January 2019"}, {"British Museum", 447863, sheetstest.Percent(0.5), true, time.Date(2019, 1, 31, 0, 0, 0, 0, time.UTC)}}}))
	f.Add(xlsxPackage(``, `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>35.036999999999999</v></c></row>`, `<row><c s="1"><v>1</v></c></row>`))
	path := filepath.Join(f.TempDir(), "seed.xlsx")
	if err := sheetstest.WriteXLSX(path, sheetstest.Sheet{Name: "Data", Rows: [][]any{{"a", 1.5, true}}}); err != nil {
		f.Fatal(err)
	}
	if data, err := os.ReadFile(path); err == nil {
		f.Add(data)
	}
	f.Add([]byte("Code,Name\nE06000001,Hartlepool\n"))
	for _, seed := range xlsSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		wb, err := openBytes("fuzz", data, fuzzLimits)
		exercise(t, wb, err, false)
	})
}
