package sheets

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// xlsxSource decodes the rows of one worksheet part.
type xlsxSource struct {
	rc      io.ReadCloser
	dec     *xml.Decoder
	w       *xlsxWorkbook
	lastRow int
	done    bool
}

func (s *xlsxSource) close() error { return s.rc.Close() }

func (s *xlsxSource) next(buf []Cell) ([]Cell, int, int, error) {
	for !s.done {
		tok, err := s.dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, 0, 0, corrupt(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "worksheet", "sheetData":
				continue // descend
			case "row":
				cells, num, err := s.readRow(t, buf)
				return cells, num, 1, err
			}
			if err := s.dec.Skip(); err != nil {
				return nil, 0, 0, corrupt(err)
			}
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				s.done = true
			}
		}
	}
	s.done = true
	return nil, 0, 0, io.EOF
}

func (s *xlsxSource) readRow(start xml.StartElement, buf []Cell) ([]Cell, int, error) {
	num := s.lastRow + 1
	if r, ok := attrLocal(start, "r"); ok {
		n, err := strconv.Atoi(r)
		if err != nil || n < 1 || n > 1<<31-1 {
			return nil, 0, fmt.Errorf("%w: row number %q", ErrCorrupt, r)
		}
		num = n
	}
	s.lastRow = num
	col := -1
	for {
		tok, err := s.dec.Token()
		if err != nil {
			return nil, 0, corrupt(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "c" {
				if err := s.dec.Skip(); err != nil {
					return nil, 0, corrupt(err)
				}
				continue
			}
			var cell Cell
			col, cell, err = s.readCell(t, col)
			if err != nil {
				return nil, 0, fmt.Errorf("cell %s: %w", CellRef(col, num), err)
			}
			if cell.Kind == Empty {
				continue
			}
			if col >= s.w.limits.MaxRowCells {
				return nil, 0, fmt.Errorf("%w: row %d has a value in column %s, beyond Limits.MaxRowCells", ErrTooLarge, num, CellRef(col, 0))
			}
			for len(buf) <= col {
				buf = append(buf, Cell{})
			}
			buf[col] = cell
		case xml.EndElement:
			return buf, num, nil
		}
	}
}

// readCell reads a <c> element: its column (from r, or the one after
// prevCol) and value.
func (s *xlsxSource) readCell(start xml.StartElement, prevCol int) (int, Cell, error) {
	col, typ, style := prevCol+1, "n", -1
	for _, a := range start.Attr {
		switch a.Name.Local {
		case "r":
			c, ok := parseColRef(a.Value)
			if !ok {
				return col, Cell{}, fmt.Errorf("%w: cell reference %q", ErrCorrupt, a.Value)
			}
			col = c
		case "t":
			typ = a.Value
		case "s":
			style, _ = strconv.Atoi(a.Value)
		}
	}
	var v, inline string
	hasV := false
	for done := false; !done; {
		tok, err := s.dec.Token()
		if err != nil {
			return col, Cell{}, corrupt(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				v, err = readElementText(s.dec, s.w.limits.MaxCellBytes)
				hasV = true
			case "is":
				inline, err = readRichText(s.dec, s.w.limits.MaxCellBytes)
			default:
				err = corrupt(s.dec.Skip())
			}
			if err != nil {
				return col, Cell{}, err
			}
		case xml.EndElement:
			done = true
		}
	}
	switch typ {
	case "s":
		if !hasV {
			return col, Cell{}, nil
		}
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(s.w.sst) {
			return col, Cell{}, fmt.Errorf("%w: shared string index %q out of range", ErrCorrupt, v)
		}
		return col, textCell(s.w.sst[i]), nil
	case "inlineStr":
		if inline == "" && hasV {
			inline = decodeXEscapes(v)
		}
		return col, textCell(inline), nil
	case "str":
		return col, textCell(decodeXEscapes(v)), nil
	case "e":
		if v == "" {
			return col, Cell{}, nil
		}
		return col, Cell{Kind: Error, Value: v}, nil
	case "b":
		if c, ok := boolCell(v); ok {
			return col, c, nil
		}
	case "d":
		if d, ok := parseISODate(v); ok {
			return col, Cell{Kind: Date, Value: d}, nil
		}
	case "n":
		if strings.TrimSpace(v) == "" {
			return col, Cell{}, nil
		}
		c, ok := parseNumberCell(v)
		if !ok {
			break
		}
		if style >= 0 && style < len(s.w.xfKind) && s.w.xfKind[style] != fmtNumber {
			f, _ := c.Float()
			if d, ok := serialCell(f, s.w.date1904, s.w.xfKind[style]); ok {
				return col, d, nil
			}
		}
		return col, c, nil
	}
	return col, textCell(v), nil // an unknown type or unparsable value: keep the text
}
