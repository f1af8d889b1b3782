package sheets

import (
	"archive/zip"
	"bytes"
	"errors"
	"regexp"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/sheets/sheetwrite"
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

// FuzzODS fuzzes the tables inside content.xml (the document boilerplate
// stays fixed, so that inputs stay small and minimise quickly).
func FuzzODS(f *testing.F) {
	f.Add([]byte(tableXML("1a", `<table:table-row>`+str(`<text:p>Museum<text:s text:c="2"/>Name<text:tab/></text:p><text:p>x<text:span>y</text:span></text:p>`)+
		`<table:table-cell table:number-columns-repeated="2" office:value-type="float" office:value="447863"/><table:table-cell table:number-columns-repeated="9"/></table:table-row>`+
		`<table:table-row table:number-rows-repeated="1000"><table:table-cell/></table:table-row>`)))
	f.Add([]byte(`<table:table table:name="b"><table:table-row-group><table:table-row table:number-rows-repeated="3"><table:covered-table-cell/>` +
		`<table:table-cell office:value-type="percentage" office:value="0.5"/><table:table-cell office:value-type="date" office:date-value="2019-01-31T10:30:00"/>` +
		`<table:table-cell office:value-type="time" office:time-value="PT36H"/><table:table-cell office:value-type="boolean" office:boolean-value="true"/>` +
		`</table:table-row></table:table-row-group></table:table>`))
	f.Add([]byte(`<table:table table:name="c"><table:table-row><table:table-cell table:formula="of:=1/0" calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>` +
		`<table:table-cell office:value-type="string"><office:annotation><text:p>note</text:p></office:annotation><text:p>a<text:line-break/>b</text:p></table:table-cell></table:table-row></table:table>`))
	f.Add([]byte(`<table:table table:name="n"><table:table-row><table:table-cell><table:table table:name="inner"/></table:table-cell></table:table-row></table:table><!-- <table:table table:name="c"> --><![CDATA[<table:table>]]><table:table table:name="e"/>`))
	f.Fuzz(func(t *testing.T, tables []byte) {
		data := storedZip("mimetype", "application/vnd.oasis.opendocument.spreadsheet", "content.xml", sheetwrite.ODSContent(string(tables)))
		wb, err := openBytes("fuzz.ods", data, fuzzLimits)
		exercise(t, wb, err, true)
	})
}

func FuzzXLSX(f *testing.F) {
	f.Add([]byte(`<row r="1"><c r="A1" t="s"><v>1</v></c><c r="B1" s="1"><v>43496</v></c><c r="C1" t="inlineStr"><is><t>x</t></is></c><c t="e"><v>#N/A</v></c></row><row><c t="b"><v>1</v></c><c s="6"><v>0.5</v></c><c t="d"><v>2019-01-31</v></c></row>`),
		[]byte(`<sst><si><t>a</t></si><si><r><t>b</t></r><rPh><t>c</t></rPh></si></sst>`),
		[]byte(`<styleSheet><numFmts><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts><cellXfs><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="20"/></cellXfs></styleSheet>`))
	f.Add([]byte(`<row r="3"><c r="XFD3" t="str"><v>_x0041_</v></c></row>`), []byte(`<sst><si><r><t>a</t></r></si></sst>`), []byte(`<styleSheet/>`))
	f.Fuzz(func(t *testing.T, sheetData, sst, styles []byte) {
		data := storedZip(
			"[Content_Types].xml", `<Types/>`,
			"_rels/.rels", xlsxRels,
			"xl/workbook.xml", `<workbook xmlns:r="r"><sheets><sheet name="Data" r:id="rId1"/><sheet name="Other" r:id="rId2"/></sheets></workbook>`,
			"xl/_rels/workbook.xml.rels", xlsxWorkbookRels,
			"xl/styles.xml", string(styles),
			"xl/sharedStrings.xml", string(sst),
			"xl/worksheets/sheet1.xml", worksheet(string(sheetData)),
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

// FuzzOpen fuzzes whole files of every format. The seeds are as small as
// the formats allow (uncompressed zips, minimal XML), because the fuzzer's
// minimisation of interesting inputs costs time quadratic in their size.
func FuzzOpen(f *testing.F) {
	f.Add(storedZip("mimetype", "application/vnd.oasis.opendocument.spreadsheet", "content.xml",
		`<d xmlns:o="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:t="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:p="urn:oasis:names:tc:opendocument:xmlns:text:1.0">`+
			`<o:spreadsheet><t:table t:name="1a"><t:table-row t:number-rows-repeated="2"><t:table-cell o:value-type="float" o:value="1.5"/>`+
			`<t:table-cell t:number-columns-repeated="3"/><t:table-cell><p:p>x<p:s p:c="2"/></p:p></t:table-cell></t:table-row></t:table></o:spreadsheet></d>`))
	f.Add(storedZip("xl/workbook.xml", `<workbook><sheets><sheet name="S" r:id="1" xmlns:r="r"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels", `<Relationships><Relationship Id="1" Type="/worksheet" Target="s.xml"/><Relationship Id="2" Type="/styles" Target="y.xml"/></Relationships>`,
		"xl/y.xml", `<styleSheet><cellXfs><xf numFmtId="14"/></cellXfs></styleSheet>`,
		"xl/sharedStrings.xml", `<sst><si><t>a</t></si></sst>`,
		"xl/s.xml", `<worksheet><sheetData><row r="2"><c r="B2" t="s"><v>0</v></c><c s="0"><v>43496</v></c><c t="e"><v>#N/A</v></c></row></sheetData></worksheet>`))
	f.Add([]byte("Code,Name\r\n\"E0\"\"1\",\"a\nb\"\n"))
	for _, seed := range xlsSeeds(f) {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		wb, err := openBytes("fuzz", data, fuzzLimits)
		exercise(t, wb, err, false)
	})
}

// storedZip returns an uncompressed zip of the name, content pairs: cheaper
// to build than a deflated one, which keeps fuzzing fast.
func storedZip(nameContent ...string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(nameContent); i += 2 {
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: nameContent[i], Method: zip.Store})
		w.Write([]byte(nameContent[i+1]))
	}
	zw.Close()
	return buf.Bytes()
}
