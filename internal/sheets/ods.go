package sheets

import (
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
)

// OpenDocument XML namespaces.
const (
	nsOffice  = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
	nsTable   = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
	nsText    = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
	nsDraw    = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
	nsDr3d    = "urn:oasis:names:tc:opendocument:xmlns:dr3d:1.0"
	nsCalcExt = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
)

// odsWorkbook reads an OpenDocument spreadsheet. Open scans content.xml
// for each table's name and byte offset (see indexODS); Rows re-opens
// content.xml, skips to the table's offset and decodes that table alone,
// token by token, with encoding/xml.
type odsWorkbook struct {
	*base
	f      file
	pkg    *zipPkg
	sheets []odsSheet
}

type odsSheet struct {
	name    string
	offset  int64  // of the <table:table> start tag in content.xml
	prelude string // a start tag declaring the namespaces in scope there
}

func openODS(f file, pkg *zipPkg, b *base) (*odsWorkbook, error) {
	sheets, err := indexODS(pkg)
	if err != nil {
		return nil, err
	}
	return &odsWorkbook{base: b, f: f, pkg: pkg, sheets: sheets}, nil
}

func (w *odsWorkbook) Format() Format { return FormatODS }
func (w *odsWorkbook) Close() error   { return w.f.Close() }

func (w *odsWorkbook) Sheets() []string {
	names := make([]string, len(w.sheets))
	for i, s := range w.sheets {
		names[i] = s.name
	}
	return names
}

func (w *odsWorkbook) Rows(sheet string) (Rows, error) {
	i := slices.IndexFunc(w.sheets, func(s odsSheet) bool { return s.name == sheet })
	if i < 0 {
		return nil, w.noSheet(sheet, w.Sheets())
	}
	s := w.sheets[i]
	rc, err := w.pkg.open("content.xml")
	if err != nil {
		return nil, fmt.Errorf("opening sheet %q of %s: %w", sheet, w.name, err)
	}
	src := &odsSource{rc: rc, limits: w.limits, nextRow: 1}
	if err := src.start(s); err != nil {
		rc.Close()
		return nil, fmt.Errorf("opening sheet %q of %s: %w", sheet, w.name, err)
	}
	return newRowIter(w.base, sheet, src), nil
}

// odsSource decodes the rows of one table.
type odsSource struct {
	rc      io.ReadCloser
	dec     *xml.Decoder
	limits  Limits
	nextRow int
	done    bool
	text    textBuilder
}

// start positions the decoder inside the table's start tag.
func (s *odsSource) start(sh odsSheet) error {
	if _, err := io.CopyN(io.Discard, s.rc, sh.offset); err != nil {
		return corrupt(err)
	}
	s.dec = xml.NewDecoder(io.MultiReader(strings.NewReader(sh.prelude), s.rc))
	if _, err := s.dec.Token(); err != nil { // the prelude's start tag
		return corrupt(err)
	}
	tok, err := s.dec.Token()
	if err != nil {
		return corrupt(err)
	}
	if t, ok := tok.(xml.StartElement); !ok || t.Name.Space != nsTable || t.Name.Local != "table" {
		return fmt.Errorf("%w: content.xml has no table start tag at offset %d", ErrCorrupt, sh.offset)
	}
	return nil
}

func (s *odsSource) close() error { return s.rc.Close() }

func (s *odsSource) next(buf []Cell) ([]Cell, int, int, error) {
	for !s.done {
		tok, err := s.dec.Token()
		if err != nil {
			return nil, 0, 0, corrupt(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space == nsTable {
				switch t.Name.Local {
				case "table-row":
					cells, rep, err := s.readRow(t, buf)
					if err != nil {
						return nil, 0, 0, err
					}
					num := s.nextRow
					s.nextRow += rep
					return cells, num, rep, nil
				case "table-header-rows", "table-row-group", "table-rows":
					continue // row containers: descend
				}
			}
			if err := s.dec.Skip(); err != nil {
				return nil, 0, 0, corrupt(err)
			}
		case xml.EndElement:
			if t.Name.Space == nsTable && t.Name.Local == "table" {
				s.done = true
			}
		}
	}
	return nil, 0, 0, io.EOF
}

// readRow reads the cells of a table:table-row, materialising empty cells
// only when a non-empty cell follows them.
func (s *odsSource) readRow(start xml.StartElement, buf []Cell) ([]Cell, int, error) {
	rep, err := repeatAttr(start, "number-rows-repeated")
	if err != nil {
		return nil, 0, err
	}
	col := 0
	for {
		tok, err := s.dec.Token()
		if err != nil {
			return nil, 0, corrupt(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != nsTable || (t.Name.Local != "table-cell" && t.Name.Local != "covered-table-cell") {
				if err := s.dec.Skip(); err != nil {
					return nil, 0, corrupt(err)
				}
				continue
			}
			cell, n, err := s.readCell(t)
			if err != nil {
				return nil, 0, err
			}
			if cell.Kind != Empty {
				if col+n > s.limits.MaxRowCells {
					return nil, 0, fmt.Errorf("%w: row %d has a value in column %s, beyond Limits.MaxRowCells",
						ErrTooLarge, s.nextRow, CellRef(col+n-1, 0))
				}
				for len(buf) < col {
					buf = append(buf, Cell{})
				}
				for range n {
					buf = append(buf, cell)
				}
			}
			col += n
		case xml.EndElement:
			return buf, rep, nil
		}
	}
}

// readCell reads a table:table-cell or table:covered-table-cell (the hidden
// part of a merged range, read as Empty) and returns its value and
// number-columns-repeated.
func (s *odsSource) readCell(start xml.StartElement) (Cell, int, error) {
	rep, err := repeatAttr(start, "number-columns-repeated")
	if err != nil {
		return Cell{}, 0, err
	}
	if start.Name.Local == "covered-table-cell" {
		return Cell{}, rep, corrupt(s.dec.Skip())
	}
	var valueType, calcType, value, dateValue, timeValue, boolValue, stringValue string
	hasFormula := false
	for _, a := range start.Attr {
		switch a.Name.Space {
		case nsOffice:
			switch a.Name.Local {
			case "value-type":
				valueType = a.Value
			case "value":
				value = a.Value
			case "date-value":
				dateValue = a.Value
			case "time-value":
				timeValue = a.Value
			case "boolean-value":
				boolValue = a.Value
			case "string-value":
				stringValue = a.Value
			}
		case nsCalcExt:
			if a.Name.Local == "value-type" {
				calcType = a.Value
			}
		case nsTable:
			if a.Name.Local == "formula" {
				hasFormula = true
			}
		}
	}
	isError := calcType == "error" || valueType == "error"
	if !isError {
		var c Cell
		ok := false
		switch valueType {
		case "float", "percentage", "currency":
			c, ok = parseNumberCell(value)
		case "date":
			c.Value, ok = parseISODate(dateValue)
			c.Kind = Date
		case "time":
			c.Value, ok = parseISODuration(timeValue)
			c.Kind = Date
		case "boolean":
			c, ok = boolCell(boolValue)
		}
		if ok {
			return c, rep, corrupt(s.dec.Skip())
		}
	}
	text, err := s.readText()
	if err != nil {
		return Cell{}, 0, err
	}
	if text == "" {
		text = stringValue
	}
	if isError || (hasFormula && isErrorLiteral(text)) {
		if text == "" {
			text = "#VALUE!"
		}
		return Cell{Kind: Error, Value: text}, rep, nil
	}
	return textCell(text), rep, nil
}

// attr returns the value of the attribute space:local of e.
func attr(e xml.StartElement, space, local string) (string, bool) {
	for _, a := range e.Attr {
		if a.Name.Local == local && a.Name.Space == space {
			return a.Value, true
		}
	}
	return "", false
}

// repeatAttr parses a table:number-*-repeated attribute (default 1).
func repeatAttr(e xml.StartElement, local string) (int, error) {
	v, ok := attr(e, nsTable, local)
	if !ok {
		return 1, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n > math.MaxInt32 {
		return 0, fmt.Errorf("%w: table:%s=%q", ErrCorrupt, local, v)
	}
	return max(n, 1), nil
}

// boolCell parses an office:boolean-value or an XLSX boolean.
func boolCell(v string) (Cell, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true", "1":
		return Cell{Kind: Bool, Value: "TRUE"}, true
	case "false", "0":
		return Cell{Kind: Bool, Value: "FALSE"}, true
	}
	return Cell{}, false
}

// isErrorLiteral reports whether s is a spreadsheet error value.
func isErrorLiteral(s string) bool {
	switch s {
	case "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
		"#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#CONNECT!", "#BUSY!":
		return true
	}
	return strings.HasPrefix(s, "Err:") && len(s) == 7 // LibreOffice "Err:502"
}

// parseISODuration converts an ODS office:time-value ("PT12H30M00S",
// "PT36H", "P1DT2H", "-PT1H") to the canonical clock form.
func parseISODuration(s string) (string, bool) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	if !strings.HasPrefix(s, "P") || len(s) < 3 {
		return "", false
	}
	s = s[1:]
	total, inTime := 0.0, false
	for s != "" {
		if s[0] == 'T' {
			inTime, s = true, s[1:]
			continue
		}
		i := 0
		for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
			i++
		}
		if i == 0 || i == len(s) {
			return "", false
		}
		v, err := strconv.ParseFloat(s[:i], 64)
		if err != nil {
			return "", false
		}
		switch unit := s[i]; {
		case !inTime && unit == 'D':
			total += v * 86400
		case inTime && unit == 'H':
			total += v * 3600
		case inTime && unit == 'M':
			total += v * 60
		case inTime && unit == 'S':
			total += v
		default:
			return "", false
		}
		s = s[i+1:]
	}
	if total > 1e12 {
		return "", false
	}
	secs := int64(math.Round(total))
	if neg {
		secs = -secs
	}
	return formatClock(secs), true
}
