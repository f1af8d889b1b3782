package sheets

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets/sheetwrite"
)

const (
	xlsxRels = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	xlsxWorkbookRels = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>` +
		`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet2.xml"/>` +
		`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>` +
		`<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`
	xlsxStyles = `<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<numFmts count="4"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/><numFmt numFmtId="165" formatCode="h:mm"/>` +
		`<numFmt numFmtId="166" formatCode="[h]:mm"/><numFmt numFmtId="167" formatCode="#,##0.0_);[Red]\(#,##0.0\)"/></numFmts>` +
		`<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>` +
		`<cellXfs count="7"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165"/><xf numFmtId="166"/>` +
		`<xf numFmtId="167"/><xf numFmtId="10"/><xf numFmtId="22"/></cellXfs>` +
		`<dxfs count="1"><dxf><numFmt numFmtId="0" formatCode="yyyy"/></dxf></dxfs></styleSheet>`
	xlsxSST = `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="3" uniqueCount="3">` +
		`<si><t xml:space="preserve">IMD - Average score </t></si>` +
		`<si><r><rPr><b/></rPr><t>Rich </t></r><r><t>text</t></r><rPh sb="0" eb="1"><t>ふりがな</t></rPh></si>` +
		`<si><t>line_x000D_
two _x005F_x0041_</t></si></sst>`
)

// xlsxPackage returns an XLSX file with sheets "Data" (sheet1) and "Other"
// (sheet2) and the given workbookPr attributes.
func xlsxPackage(workbookPr, sheet1, sheet2 string) []byte {
	workbook := `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ` +
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><workbookPr ` + workbookPr + `/>` +
		`<sheets><sheet name="Data" sheetId="1" r:id="rId1"/><sheet name="Other" sheetId="2" state="hidden" r:id="rId2"/></sheets></workbook>`
	return sheetwrite.ZipPackage(
		"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"_rels/.rels", xlsxRels,
		"xl/workbook.xml", workbook,
		"xl/_rels/workbook.xml.rels", xlsxWorkbookRels,
		"xl/styles.xml", xlsxStyles,
		"xl/sharedStrings.xml", xlsxSST,
		"xl/worksheets/sheet1.xml", worksheet(sheet1),
		"xl/worksheets/sheet2.xml", worksheet(sheet2),
	)
}

func worksheet(rows string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<dimension ref="A1:Z9"/><cols><col min="1" max="3" width="9"/></cols><sheetData>` + rows + `</sheetData>` +
		`<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>`
}

// xlsxCells is a workbook with a cell of every kind and form the reader handles, and the rows of
// its sheet "Data" and "Other" as the reader must return them.
func xlsxCells() (data []byte, data1, other []row) {
	data = xlsxPackage(``,
		`<row r="1" spans="1:5"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c><c r="D1" s="4"/><c r="Z1" s="1"/></row>`+
			`<row r="3"><c r="A3"><v>35.036999999999999</v></c><c r="B3" s="4"><v>1234.5</v></c><c r="C3" s="5"><v>0.125</v></c>`+
			`<c r="D3" t="b"><v>1</v></c><c r="E3" t="b"><v>0</v></c><c r="F3" t="e"><v>#N/A</v></c>`+
			`<c r="G3" t="str"><f>A1&amp;""</f><v>formula text</v></c><c r="H3"><f>1+1</f><v>2</v></c>`+
			`<c r="I3" t="inlineStr"><is><r><t>inline </t></r><r><t>rich</t></r><rPh><t>x</t></rPh></is></c>`+
			`<c r="J3" t="d"><v>2019-01-31T00:00:00Z</v></c><c r="K3"><v>1E-3</v></c><c r="L3"><v>-0</v></c></row>`+
			`<row r="4"><c r="A4" s="1"><v>43496</v></c><c r="B4" s="2"><v>0.5</v></c><c r="C4" s="3"><v>1.5</v></c>`+
			`<c r="D4" s="6"><v>43496.4375</v></c><c r="E4" s="1"><v>-1</v></c><c r="F4" s="1"><v>59</v></c><c r="G4" s="1"><v>61</v></c>`+
			`<c r="H4" s="99"><v>7</v></c></row>`+
			`<row><c><v>1</v></c><c t="s"><v>0</v></c><c r="E5"><v>5</v></c><c><v>6</v></c></row>`+
			`<row r="7"><c r="A7" s="1"/><c r="B7" t="s"/></row>`,
		`<row r="2"><c r="B2"><v>9</v></c></row>`)
	return data, []row{
		r(1, S("IMD - Average score "), S("Rich text"), S("line\r\ntwo _x0041_")),
		r(3, N("35.037"), N("1234.5"), N("0.125"), B("TRUE"), B("FALSE"), E("#N/A"), S("formula text"), N("2"),
			S("inline rich"), D("2019-01-31"), N("0.001"), N("0")),
		r(4, D("2019-01-31"), D("12:00:00"), N("1.5"), D("2019-01-31T10:30:00"), N("-1"), D("1900-02-28"), D("1900-03-01"), N("7")),
		r(5, N("1"), S("IMD - Average score "), blank, blank, N("5"), N("6")),
	}, []row{r(2, blank, N("9"))}
}

func TestXLSXCells(t *testing.T) {
	data, wantData, wantOther := xlsxCells()
	wb, err := openBytes("cells.xlsx", data)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	if wb.Format() != FormatXLSX {
		t.Errorf("format %v", wb.Format())
	}
	got, err := readSheet(wb, "Data")
	if err != nil {
		t.Fatal(err)
	}
	compareRows(t, got, wantData)
	other, err := readSheet(wb, "Other")
	if err != nil {
		t.Fatal(err)
	}
	compareRows(t, other, wantOther)
}

func TestXLSX1904(t *testing.T) {
	data := xlsxPackage(`date1904="1"`, `<row r="1"><c r="A1" s="1"><v>0</v></c><c r="B1" s="1"><v>42034</v></c></row>`, ``)
	compareRows(t, mustRead(t, "mac.xlsx", data, "Data"), []row{r(1, D("1904-01-01"), D("2019-01-31"))})
}

func TestXLSXCorrupt(t *testing.T) {
	for name, sheet := range map[string]string{
		"sst index":    `<row r="1"><c r="A1" t="s"><v>3</v></c></row>`,
		"bad ref":      `<row r="1"><c r="1A"><v>3</v></c></row>`,
		"bad row":      `<row r="x"><c><v>3</v></c></row>`,
		"unclosed row": `<row r="1"><c r="A1"><v>3</v></c>`,
	} {
		_, err := readSheetOf(name, xlsxPackage("", sheet, ""), "Data")
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: error %v, want ErrCorrupt", name, err)
		}
	}
	wide := `<row r="1"><c r="ZZZ1"><v>1</v></c></row>`
	if _, err := readSheetOf("wide", xlsxPackage("", wide, ""), "Data", WithLimits(Limits{MaxRowCells: 100})); !errors.Is(err, ErrTooLarge) {
		t.Errorf("wide: error %v, want ErrTooLarge", err)
	}
	noPart := sheetwrite.ZipPackage("xl/workbook.xml", `<workbook><sheets><sheet name="Gone" r:id="rId9" xmlns:r="r"/></sheets></workbook>`)
	if _, err := readSheetOf("nopart", noPart, "Gone"); !errors.Is(err, ErrCorrupt) {
		t.Errorf("missing part: error %v, want ErrCorrupt", err)
	}
}

// writeExcelizeWorkbook writes, through excelize as a publisher's tools would, a workbook whose
// sheet "Activity Data 2024" has text, numbers, dates, a percentage and booleans, and returns its
// path and the rows the reader must return.
func writeExcelizeWorkbook(t testing.TB) (string, []row) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ace.xlsx")
	when := time.Date(2023, 4, 1, 0, 0, 0, 0, time.UTC)
	err := sheetwrite.WriteXLSX(path,
		sheetwrite.Sheet{Name: "Introduction", Rows: [][]any{{"About"}}},
		sheetwrite.Sheet{Name: "Activity Data 2024", Rows: [][]any{
			{"Library Details", "Library Authority", "Total Active Members", "Date", "Share", "Open"},
			{"Barbican", "City of London", 16616, when, sheetwrite.Percent(0.25), true},
			{},
			{"Barnet", "Barnet", 35.037, when.Add(90 * time.Minute), nil, false},
		}})
	if err != nil {
		t.Fatal(err)
	}
	return path, []row{
		r(1, S("Library Details"), S("Library Authority"), S("Total Active Members"), S("Date"), S("Share"), S("Open")),
		r(2, S("Barbican"), S("City of London"), N("16616"), D("2023-04-01"), N("0.25"), B("TRUE")),
		r(4, S("Barnet"), S("Barnet"), N("35.037"), D("2023-04-01T01:30:00"), blank, B("FALSE")),
	}
}

func TestXLSXWrittenByExcelize(t *testing.T) {
	path, want := writeExcelizeWorkbook(t)
	wb, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	if got := wb.Sheets(); len(got) != 2 || got[1] != "Activity Data 2024" {
		t.Errorf("sheets %q", got)
	}
	got, err := readSheet(wb, "Activity Data 2024")
	if err != nil {
		t.Fatal(err)
	}
	compareRows(t, got, want)
}

func TestXLSXOnDisk(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cells.xlsx")
	if err := os.WriteFile(path, xlsxPackage("", `<row r="2"><c r="C2"><v>3</v></c></row>`, ""), 0o644); err != nil {
		t.Fatal(err)
	}
	wb, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	got, err := readSheet(wb, "Data")
	if err != nil {
		t.Fatal(err)
	}
	compareRows(t, got, []row{r(2, blank, blank, N("3"))})
	if err := wb.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := readSheet(wb, "Data"); err == nil || errors.Is(err, ErrCorrupt) {
		t.Errorf("after Close: error %v, want an I/O error", err)
	}
}
