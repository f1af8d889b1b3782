// Package sheetwrite writes spreadsheet files: the demo sample (internal/demo)
// publishes its synthetic workbooks with it, and tests of readers built on
// package sheets write their fixtures with it, so they need no real
// published file.
//
// WriteODS writes an OpenDocument spreadsheet laid out as LibreOffice
// writes one: every row padded with a run of repeated empty cells to column
// 16384 and the sheet padded with a repeated empty row to row 1048576.
// WriteXLSX writes an Office Open XML workbook through excelize. ODSPackage
// and ZipPackage build files from literal XML, for tests that need exact
// control over the markup.
package sheetwrite

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Sheet is one sheet of a fixture workbook. Each row lists cell values:
//
//   - nil or "": an empty cell
//   - string: a text cell ("\n" separates paragraphs in ODS)
//   - int, int64, float64: a number
//   - Percent: a percentage (ODS), a number with format 0.00% (XLSX)
//   - bool: a boolean
//   - time.Time: a date, or a date and time when it has a clock time
//   - Err: an error value such as "#N/A" (a formula cell whose result is
//     that error; ODS only)
//   - RawODS: literal table:table-cell markup (ODS only)
type Sheet struct {
	Name string
	Rows [][]any
}

// Err is an error cell value such as "#N/A" or "#REF!".
type Err string

// Percent is a percentage cell value: Percent(0.125) shows as 12.5%.
type Percent float64

// RawODS is literal ODS cell markup, written as it is, for example
// `<table:table-cell table:number-columns-repeated="3" office:value-type="float" office:value="1"/>`.
type RawODS string

// Namespaces declares the prefixes a content.xml uses; ODSPackage's callers
// may rely on office:, table:, text:, calcext:, draw: and xlink:.
const Namespaces = `xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" ` +
	`xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" ` +
	`xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" ` +
	`xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" ` +
	`xmlns:xlink="http://www.w3.org/1999/xlink" ` +
	`xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" ` +
	`xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"`

// WriteODS writes the sheets to path as an ODS file.
func WriteODS(path string, sheets ...Sheet) error {
	data, err := ODS(sheets...)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// ODS returns the sheets as the bytes of an ODS file.
func ODS(sheets ...Sheet) ([]byte, error) {
	var b strings.Builder
	for _, sh := range sheets {
		fmt.Fprintf(&b, `<table:table table:name="%s"><table:table-column table:number-columns-repeated="16384"/>`, esc(sh.Name))
		for _, row := range sh.Rows {
			b.WriteString("<table:table-row>")
			for _, v := range row {
				cell, err := odsCell(v)
				if err != nil {
					return nil, fmt.Errorf("sheet %q: %w", sh.Name, err)
				}
				b.WriteString(cell)
			}
			if pad := 16384 - len(row); pad > 0 {
				fmt.Fprintf(&b, `<table:table-cell table:number-columns-repeated="%d"/>`, pad)
			}
			b.WriteString("</table:table-row>")
		}
		if pad := 1048576 - len(sh.Rows); pad > 0 {
			fmt.Fprintf(&b, `<table:table-row table:number-rows-repeated="%d"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>`, pad)
		}
		b.WriteString("</table:table>")
	}
	return ODSPackage(b.String()), nil
}

// ODSPackage returns an ODS file whose content.xml is ODSContent(tables).
func ODSPackage(tables string) []byte {
	return ODSPackageOf(ODSContent(tables))
}

// ODSContent returns a content.xml holding tables, literal <table:table>
// elements, inside office:spreadsheet, with Namespaces declared on the
// root.
func ODSContent(tables string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<office:document-content ` + Namespaces + ` office:version="1.3">` +
		`<office:automatic-styles><style:style xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" style:name="ce1" style:family="table-cell"/></office:automatic-styles>` +
		`<office:body><office:spreadsheet>` + tables +
		`</office:spreadsheet></office:body></office:document-content>`
}

// ODSPackageOf returns an ODS file with the given content.xml, a mimetype
// entry and a manifest.
func ODSPackageOf(content string) []byte {
	return ZipPackage(
		"mimetype", "application/vnd.oasis.opendocument.spreadsheet",
		"META-INF/manifest.xml", `<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`,
		"content.xml", content,
	)
}

// ZipPackage returns a zip holding the given name, content pairs in order;
// the first entry is stored, the others deflated.
func ZipPackage(nameContent ...string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(nameContent); i += 2 {
		method := zip.Deflate
		if i == 0 {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: nameContent[i], Method: method})
		if err != nil {
			panic(err) // writing to a bytes.Buffer does not fail
		}
		w.Write([]byte(nameContent[i+1]))
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

func odsCell(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "<table:table-cell/>", nil
	case string:
		if v == "" {
			return "<table:table-cell/>", nil
		}
		return `<table:table-cell office:value-type="string" calcext:value-type="string">` + ODSText(v) + `</table:table-cell>`, nil
	case int:
		return odsFloat(float64(v), "float"), nil
	case int64:
		return odsFloat(float64(v), "float"), nil
	case float64:
		return odsFloat(v, "float"), nil
	case Percent:
		return odsFloat(float64(v), "percentage"), nil
	case bool:
		text := "FALSE"
		if v {
			text = "TRUE"
		}
		return fmt.Sprintf(`<table:table-cell office:value-type="boolean" office:boolean-value="%t" calcext:value-type="boolean"><text:p>%s</text:p></table:table-cell>`, v, text), nil
	case time.Time:
		value, shown := v.Format("2006-01-02"), v.Format("02/01/2006")
		if v.Hour() != 0 || v.Minute() != 0 || v.Second() != 0 {
			value, shown = v.Format("2006-01-02T15:04:05"), v.Format("02/01/2006 15:04:05")
		}
		return fmt.Sprintf(`<table:table-cell office:value-type="date" office:date-value="%s" calcext:value-type="date"><text:p>%s</text:p></table:table-cell>`, value, shown), nil
	case Err:
		return fmt.Sprintf(`<table:table-cell table:formula="of:=NA()" office:value-type="string" office:string-value="" calcext:value-type="error"><text:p>%s</text:p></table:table-cell>`, esc(string(v))), nil
	case RawODS:
		return string(v), nil
	}
	return "", fmt.Errorf("sheetwrite: unsupported cell value %T", v)
}

func odsFloat(f float64, typ string) string {
	value := strconv.FormatFloat(f, 'g', -1, 64)
	return fmt.Sprintf(`<table:table-cell office:value-type="%s" office:value="%s" calcext:value-type="%s"><text:p>%s</text:p></table:table-cell>`, typ, value, typ, value)
}

// ODSText returns s as ODS paragraph markup the way LibreOffice writes it:
// one text:p per line, runs of spaces and leading spaces as text:s, tabs as
// text:tab.
func ODSText(s string) string {
	var b strings.Builder
	for _, para := range strings.Split(s, "\n") {
		b.WriteString("<text:p>")
		for i := 0; i < len(para); {
			switch {
			case para[i] == '\t':
				b.WriteString("<text:tab/>")
				i++
			case para[i] == ' ':
				n := 0
				for i+n < len(para) && para[i+n] == ' ' {
					n++
				}
				literal := i > 0 && i+n < len(para) // a single inner space may stay literal
				if literal {
					b.WriteByte(' ')
					n--
				}
				if n == 1 {
					b.WriteString("<text:s/>")
				} else if n > 1 {
					fmt.Fprintf(&b, `<text:s text:c="%d"/>`, n)
				}
				i += n
				if literal {
					i++
				}
			default:
				j := i
				for j < len(para) && para[j] != ' ' && para[j] != '\t' {
					j++
				}
				b.WriteString(esc(para[i:j]))
				i = j
			}
		}
		b.WriteString("</text:p>")
	}
	return b.String()
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// WriteXLSX writes the sheets to path as an XLSX file through excelize.
// Dates get number format 14 (or 22 with a time), percentages 10.
func WriteXLSX(path string, sheets ...Sheet) error {
	f := excelize.NewFile()
	defer f.Close()
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}
	dateTimeStyle, err := f.NewStyle(&excelize.Style{NumFmt: 22})
	if err != nil {
		return err
	}
	percentStyle, err := f.NewStyle(&excelize.Style{NumFmt: 10})
	if err != nil {
		return err
	}
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.Name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(sh.Name); err != nil {
			return err
		}
		for r, row := range sh.Rows {
			for c, v := range row {
				ref, _ := excelize.CoordinatesToCellName(c+1, r+1)
				var err error
				switch v := v.(type) {
				case nil:
				case string:
					if v != "" {
						err = f.SetCellStr(sh.Name, ref, v)
					}
				case Percent:
					if err = f.SetCellFloat(sh.Name, ref, float64(v), -1, 64); err == nil {
						err = f.SetCellStyle(sh.Name, ref, ref, percentStyle)
					}
				case time.Time:
					style := dateStyle
					if v.Hour() != 0 || v.Minute() != 0 || v.Second() != 0 {
						style = dateTimeStyle
					}
					if err = f.SetCellValue(sh.Name, ref, v); err == nil {
						err = f.SetCellStyle(sh.Name, ref, ref, style)
					}
				case int, int64, float64, bool:
					err = f.SetCellValue(sh.Name, ref, v)
				default:
					err = fmt.Errorf("sheetwrite: unsupported XLSX cell value %T", v)
				}
				if err != nil {
					return fmt.Errorf("sheet %q cell %s: %w", sh.Name, ref, err)
				}
			}
		}
	}
	return f.SaveAs(path)
}
