package sheets

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets/sheetwrite"
)

// Cell markup shorthands.
func str(text string) string {
	return `<table:table-cell office:value-type="string" calcext:value-type="string">` + text + `</table:table-cell>`
}

func float(value, shown string) string {
	return `<table:table-cell office:value-type="float" office:value="` + value + `" calcext:value-type="float"><text:p>` + shown + `</text:p></table:table-cell>`
}

const emptyPad = `<table:table-cell table:number-columns-repeated="16000"/>`

func tableXML(name string, rows ...string) string {
	return `<table:table table:name="` + name + `"><table:table-column table:number-columns-repeated="16384"/>` + strings.Join(rows, "") + `</table:table>`
}

func rowXML(cells ...string) string {
	return "<table:table-row>" + strings.Join(cells, "") + emptyPad + "</table:table-row>"
}

// odsCellsFixture returns the tables of TestODSCells.
func odsCellsFixture() string {
	return tableXML("1a",
		// 1: a trailing text:s, a repeated number, a long trailing run of empties
		`<table:table-row>`+str(`<text:p>Museum Name<text:s/></text:p>`)+
			`<table:table-cell table:number-columns-repeated="2" office:value-type="float" office:value="447863"><text:p>447,863</text:p></table:table-cell>`+
			`<table:table-cell table:number-columns-repeated="16381"/></table:table-row>`,
		// 2-1001: a repeated empty row
		`<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>`,
		// 1002: merged cells, a percentage, repeated empties between values
		rowXML(`<table:table-cell table:number-columns-spanned="2" office:value-type="string"><text:p>Merged</text:p></table:table-cell>`,
			`<table:covered-table-cell office:value-type="string"><text:p>hidden</text:p></table:covered-table-cell>`,
			`<table:table-cell office:value-type="percentage" office:value="0.125"><text:p>12.5%</text:p></table:table-cell>`,
			`<table:table-cell table:number-columns-repeated="3" table:style-name="ce1"/>`,
			str(`<text:p>G</text:p>`)),
		// 1003: text markup
		rowXML(str(`<text:p>a<text:s text:c="3"/>b<text:tab/>c</text:p><text:p>second <text:span text:style-name="T1">span</text:span> <text:a xlink:href="http://example.org">link</text:a></text:p>`),
			str(`<text:p>x<text:line-break/>y</text:p>`),
			str(`<office:annotation><text:p>a comment</text:p></office:annotation><text:p>shown</text:p>`),
			str("<text:p>\n   lots   of\n  space  </text:p>"),
			str(`<text:p><text:s/>lead</text:p>`),
			str(`<text:p>4,256,452 [r]</text:p>`),
			str(`<text:p/>`),
			`<table:table-cell office:value-type="string" office:string-value="from attribute"/>`,
			str(`<text:p>&lt;&amp;&gt; caf&#233; </text:p>`)),
		// 1004: errors
		rowXML(`<table:table-cell table:formula="of:=#N/A" office:value-type="string" office:string-value="" calcext:value-type="error"><text:p>#N/A</text:p></table:table-cell>`,
			`<table:table-cell table:formula="of:=1/0"><text:p>#DIV/0!</text:p></table:table-cell>`,
			str(`<text:p>#REF!</text:p>`),
			`<table:table-cell table:formula="of:=X" office:value-type="float" office:value="0" calcext:value-type="error"><text:p>Err:502</text:p></table:table-cell>`),
		// 1005: dates, times, booleans, currency, awkward numbers
		rowXML(`<table:table-cell office:value-type="date" office:date-value="2019-01-31"><text:p>31/01/2019</text:p></table:table-cell>`,
			`<table:table-cell office:value-type="date" office:date-value="2019-01-31T10:30:00"/>`,
			`<table:table-cell office:value-type="date" office:date-value="2019-01-31T00:00:00"/>`,
			`<table:table-cell office:value-type="time" office:time-value="PT12H30M00S"/>`,
			`<table:table-cell office:value-type="time" office:time-value="PT36H"/>`,
			`<table:table-cell office:value-type="boolean" office:boolean-value="true"><text:p>TRUE</text:p></table:table-cell>`,
			`<table:table-cell office:value-type="currency" office:currency="GBP" office:value="217000"><text:p>£217,000</text:p></table:table-cell>`,
			float("1E-05", "0.00001"),
			float("35.036999999999999", "35.04"),
			float("-0", "0"),
			float("abc", "n/a"),
			float("3643655.64", "3,643,656")),
		// 1006-1008: a repeated non-empty row
		`<table:table-row table:number-rows-repeated="3">`+str(`<text:p>rep</text:p>`)+`</table:table-row>`,
		// 1009, 1010: rows inside row groups and header rows
		`<table:table-row-group>`+rowXML(str(`<text:p>grouped</text:p>`))+`</table:table-row-group>`,
		`<table:table-header-rows>`+rowXML(str(`<text:p>header</text:p>`))+`</table:table-header-rows>`,
		// the rest of the sheet
		`<table:table-row table:number-rows-repeated="1047566"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>`,
	) + tableXML("Notes", rowXML(str("<text:p>note</text:p>")))
}

func TestODSCells(t *testing.T) {
	data := sheetwrite.ODSPackage(odsCellsFixture())
	wb, err := openBytes("cells.ods", data)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	if got := strings.Join(wb.Sheets(), ","); got != "1a,Notes" {
		t.Errorf("sheets %q", got)
	}
	got, err := readSheet(wb, "1a")
	if err != nil {
		t.Fatal(err)
	}
	compareRows(t, got, []row{
		r(1, S("Museum Name "), N("447863"), N("447863")),
		r(1002, S("Merged"), blank, N("0.125"), blank, blank, blank, S("G")),
		r(1003, S("a   b\tc\nsecond span link"), S("x\ny"), S("shown"), S("lots of space"), S(" lead"),
			S("4,256,452 [r]"), blank, S("from attribute"), S("<&> café")),
		r(1004, E("#N/A"), E("#DIV/0!"), S("#REF!"), E("Err:502")),
		r(1005, D("2019-01-31"), D("2019-01-31T10:30:00"), D("2019-01-31"), D("12:30:00"), D("36:00:00"),
			B("TRUE"), N("217000"), N("0.00001"), N("35.037"), N("0"), S("n/a"), N("3643655.64")),
		r(1006, S("rep")), r(1007, S("rep")), r(1008, S("rep")),
		r(1009, S("grouped")),
		r(1010, S("header")),
	})
	notes, err := readSheet(wb, "Notes")
	if err != nil {
		t.Fatal(err)
	}
	compareRows(t, notes, []row{r(1, S("note"))})
}

func TestODSWrittenLikeLibreOffice(t *testing.T) {
	when := time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)
	data := mustODS(t,
		sheetwrite.Sheet{Name: "Cover_sheet", Rows: [][]any{{"Title"}}},
		sheetwrite.Sheet{Name: "1a", Rows: [][]any{
			{"Table 1a: visits"},
			{},
			{"Museum Name ", "Museum Group", "Coverage", "January 2019", "Notes"},
			{"British Museum", "British Museum", "Museum group", 447863, "line one\nline  two"},
			{"Tate Total", "Tate", "Museum group", "x", nil, sheetwrite.Percent(0.5), true, when, sheetwrite.Err("#N/A"), 3643655.64},
		}})
	got := mustRead(t, "visits.ods", data, "1a")
	compareRows(t, got, []row{
		r(1, S("Table 1a: visits")),
		r(3, S("Museum Name "), S("Museum Group"), S("Coverage"), S("January 2019"), S("Notes")),
		r(4, S("British Museum"), S("British Museum"), S("Museum group"), N("447863"), S("line one\nline  two")),
		r(5, S("Tate Total"), S("Tate"), S("Museum group"), S("x"), blank, N("0.5"), B("TRUE"), D("2024-03-31"), E("#N/A"), N("3643655.64")),
	})
}

func TestODSLimits(t *testing.T) {
	wide := sheetwrite.ODSPackage(tableXML("s", rowXML(
		`<table:table-cell table:number-columns-repeated="30000" office:value-type="float" office:value="1"/>`)))
	if _, err := readSheetOf("wide.ods", wide, "s"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("30000 repeated values: error %v, want ErrTooLarge", err)
	}
	many := sheetwrite.ODSPackage(tableXML("s",
		`<table:table-row table:number-rows-repeated="1000000">`+str("<text:p>v</text:p>")+`</table:table-row>`))
	if _, err := readSheetOf("many.ods", many, "s", WithLimits(Limits{MaxCells: 1000})); !errors.Is(err, ErrTooLarge) {
		t.Errorf("1000000 repeated rows, MaxCells 1000: error %v, want ErrTooLarge", err)
	}
	spaces := sheetwrite.ODSPackage(tableXML("s", rowXML(str(`<text:p><text:s text:c="2000000000"/></text:p>`))))
	if _, err := readSheetOf("spaces.ods", spaces, "s"); !errors.Is(err, ErrTooLarge) {
		t.Errorf("2e9 spaces: error %v, want ErrTooLarge", err)
	}
	// A zip bomb: 20 MB of white space that deflates to a few kilobytes.
	bomb := sheetwrite.ODSPackage(tableXML("s", rowXML(str("<text:p>v</text:p>"))) + strings.Repeat(" ", 20<<20))
	if len(bomb) > 100<<10 {
		t.Fatalf("bomb is %d bytes", len(bomb))
	}
	if _, err := openBytes("bomb.ods", bomb, WithLimits(Limits{MaxUncompressed: 1 << 20})); !errors.Is(err, ErrTooLarge) {
		t.Errorf("zip bomb: error %v, want ErrTooLarge", err)
	}
	lr := &limitReader{r: bytes.NewReader(make([]byte, 100)), n: 10}
	if _, err := lr.Read(make([]byte, 100)); !errors.Is(err, ErrTooLarge) {
		t.Errorf("limitReader: error %v, want ErrTooLarge", err)
	}
}

func TestODSCorrupt(t *testing.T) {
	for name, tables := range map[string]string{
		"unclosed row":   `<table:table table:name="s"><table:table-row>`,
		"bad repeat":     tableXML("s", `<table:table-row table:number-rows-repeated="many"/>`),
		"huge repeat":    tableXML("s", `<table:table-row table:number-rows-repeated="99999999999"/>`),
		"bad text:c":     tableXML("s", rowXML(str(`<text:p><text:s text:c="-1"/></text:p>`))),
		"bad entity":     tableXML("s", rowXML(str(`<text:p>&nbsp;</text:p>`))),
		"mismatched end": tableXML("s", `<table:table-row></table:table-cell>`),
	} {
		if _, err := readSheetOf(name, sheetwrite.ODSPackage(tables), "s"); !errors.Is(err, ErrCorrupt) {
			t.Errorf("%s: error %v, want ErrCorrupt", name, err)
		}
	}
}

// readSheetOf opens data and reads a sheet, returning any error.
func readSheetOf(name string, data []byte, sheet string, opts ...Option) ([]row, error) {
	wb, err := openBytes(name, data, opts...)
	if err != nil {
		return nil, err
	}
	defer wb.Close()
	return readSheet(wb, sheet)
}

func TestODSWithoutMimetype(t *testing.T) {
	content := `<office:document-content ` + sheetwrite.Namespaces + `><office:body><office:spreadsheet>` +
		tableXML("only", rowXML(str("<text:p>v</text:p>"))) + `</office:spreadsheet></office:body></office:document-content>`
	data := sheetwrite.ZipPackage("content.xml", content)
	compareRows(t, mustRead(t, "bare.ods", data, "only"), []row{r(1, S("v"))})
}

func TestODSIndexSkipsCommentsAndNestedTables(t *testing.T) {
	tables := `<!-- <table:table table:name="comment"> --><?pi <table:table table:name="pi"> ?>` +
		`<table:table table:name="outer"><table:table-row><table:table-cell office:value-type="string">` +
		`<table:table table:name="nested"/><text:p>o</text:p></table:table-cell></table:table-row></table:table>` +
		`<![CDATA[<table:table table:name="cdata">]]><table:table table:name="empty"/>` +
		`<table:table table:name='q"&gt;'>` + rowXML(str("<text:p>q</text:p>")) + `</table:table>`
	wb, err := openBytes("index.ods", sheetwrite.ODSPackage(tables))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	if got := strings.Join(wb.Sheets(), "|"); got != `outer|empty|q">` {
		t.Fatalf("sheets %q", got)
	}
	for sheet, want := range map[string][]row{"outer": {r(1, S("o"))}, "empty": nil, `q">`: {r(1, S("q"))}} {
		got, err := readSheet(wb, sheet)
		if err != nil {
			t.Fatal(err)
		}
		compareRows(t, got, want)
	}
}

func TestODSOtherPrefixes(t *testing.T) {
	// Prefixes are free: what matters is the namespace they are bound to.
	content := `<c:document-content xmlns:c="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ` +
		`xmlns:t="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:p="urn:oasis:names:tc:opendocument:xmlns:text:1.0">` +
		`<c:body><c:spreadsheet><t:table t:name="x"><t:table-row><t:table-cell c:value-type="float" c:value="2.5"/>` +
		`<t:table-cell c:value-type="string"><p:p>two</p:p></t:table-cell></t:table-row></t:table></c:spreadsheet></c:body></c:document-content>`
	data := sheetwrite.ZipPackage("mimetype", "application/vnd.oasis.opendocument.spreadsheet", "content.xml", content)
	compareRows(t, mustRead(t, "prefixes.ods", data, "x"), []row{r(1, N("2.5"), S("two"))})
}

func TestODSSheetsReadInAnyOrder(t *testing.T) {
	var sheets []sheetwrite.Sheet
	for _, name := range []string{"A & B", "<2>", "three"} {
		sheets = append(sheets, sheetwrite.Sheet{Name: name, Rows: [][]any{{name}}})
	}
	wb, err := openBytes("order.ods", mustODS(t, sheets...))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	for _, name := range []string{"three", "A & B", "<2>", "three"} {
		got, err := readSheet(wb, name)
		if err != nil {
			t.Fatal(err)
		}
		compareRows(t, got, []row{r(1, S(name))})
	}
}
