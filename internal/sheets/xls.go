package sheets

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/richardlehane/mscfb"
)

// xlsWorkbook reads a legacy Excel 97-2003 workbook: a BIFF8 "Workbook"
// stream inside an OLE2 compound file (read with mscfb). Open reads the
// workbook globals (sheet names and stream offsets, the shared string
// table, number formats); Rows seeks to a sheet's substream and decodes its
// cell records one at a time. Formula cells read as their cached results.
type xlsWorkbook struct {
	*base
	f        file
	size     int64
	sheets   []xlsSheet
	sst      []string
	xfKind   []numFmtKind // by XF index
	date1904 bool
}

type xlsSheet struct {
	name   string
	offset int64 // of the sheet's BOF record in the Workbook stream
}

func openXLS(f file, size int64, b *base) (wb Workbook, err error) {
	defer recoverCorrupt(&err)
	w := &xlsWorkbook{base: b, f: f, size: size}
	stream, err := w.stream()
	if err != nil {
		return nil, err
	}
	rd := newBIFFReader(&limitReader{r: stream, n: b.limits.MaxUncompressed})
	if err := w.readGlobals(rd); err != nil {
		return nil, err
	}
	return w, nil
}

// stream returns a fresh reader over the Workbook stream.
func (w *xlsWorkbook) stream() (io.ReadSeeker, error) {
	doc, err := mscfb.New(w.f)
	if err != nil {
		return nil, corrupt(fmt.Errorf("OLE2 container: %w", err))
	}
	var names []string
	for entry, err := doc.Next(); err == nil; entry, err = doc.Next() {
		names = append(names, entry.Name)
		if len(entry.Path) != 0 || !strings.EqualFold(entry.Name, "Workbook") {
			continue
		}
		if entry.Size > w.size {
			return nil, fmt.Errorf("%w: Workbook stream of %d bytes in a %d-byte file", ErrCorrupt, entry.Size, w.size)
		}
		return entry, nil
	}
	switch {
	case slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, "Book") }):
		return nil, fmt.Errorf("%w: Excel 5.0/95 (BIFF5) workbook", ErrUnsupported)
	case slices.Contains(names, "EncryptedPackage"):
		return nil, fmt.Errorf("%w: password-protected Office workbook", ErrUnsupported)
	}
	return nil, fmt.Errorf("%w: OLE2 file without a Workbook stream (not an Excel workbook)", ErrUnsupported)
}

// readGlobals reads the workbook globals substream, up to its EOF record.
func (w *xlsWorkbook) readGlobals(rd *biffReader) error {
	formats := map[int]string{}
	var xfFormats []int
	for i := 0; ; i++ {
		rec, err := rd.next()
		if err != nil {
			return corrupt(fmt.Errorf("workbook globals: %w", err))
		}
		p := &segReader{segs: rec.segs}
		data := rec.segs[0]
		if i == 0 {
			if rec.typ != recBOF || len(data) < 4 {
				return fmt.Errorf("%w: %w", ErrCorrupt, errNoBIFF8)
			}
			if v := binary.LittleEndian.Uint16(data); v != 0x0600 {
				return fmt.Errorf("%w: BIFF version %#x (only BIFF8, Excel 97-2003, is supported)", ErrUnsupported, v)
			}
			continue
		}
		switch rec.typ {
		case recEOF:
			w.xfKind = make([]numFmtKind, len(xfFormats))
			for i, id := range xfFormats {
				if code, ok := formats[id]; ok {
					w.xfKind[i] = classifyFormatCode(code)
				} else {
					w.xfKind[i] = builtinNumFmtKind(id)
				}
			}
			return nil
		case recFilePass:
			return fmt.Errorf("%w: encrypted XLS workbook", ErrUnsupported)
		case recDateMode:
			w.date1904 = p.u16() == 1
		case recFormat:
			id := p.u16()
			code, err := p.unicodeString(false, 1<<10)
			if err != nil {
				return err
			}
			formats[id] = code
		case recXF:
			p.skip(2)
			xfFormats = append(xfFormats, p.u16())
		case recBoundSheet:
			offset := p.u32()
			p.skip(2) // visibility, sheet type
			name, err := p.unicodeString(true, 1<<10)
			if err != nil {
				return err
			}
			w.sheets = append(w.sheets, xlsSheet{name: name, offset: int64(offset)})
		case recSST:
			if err := w.readSST(p); err != nil {
				return err
			}
		}
		if p.bad {
			return fmt.Errorf("%w: truncated XLS record %#x", ErrCorrupt, rec.typ)
		}
	}
}

func (w *xlsWorkbook) readSST(p *segReader) error {
	p.skip(4) // total count
	unique := int(p.u32())
	w.sst = make([]string, 0, min(unique, 1<<16))
	var shared sharedBudget
	for range unique {
		if p.avail() == 0 {
			break // fewer strings than announced
		}
		s, err := p.richString(w.limits.MaxCellBytes)
		if err != nil {
			return err
		}
		if err := shared.take(w.base, s); err != nil {
			return err
		}
		w.sst = append(w.sst, s)
	}
	return nil
}

func (w *xlsWorkbook) Format() Format { return FormatXLS }
func (w *xlsWorkbook) Close() error   { return w.f.Close() }

func (w *xlsWorkbook) Sheets() []string {
	names := make([]string, len(w.sheets))
	for i, s := range w.sheets {
		names[i] = s.name
	}
	return names
}

func (w *xlsWorkbook) Rows(sheet string) (rows Rows, err error) {
	defer recoverCorrupt(&err)
	i := slices.IndexFunc(w.sheets, func(s xlsSheet) bool { return s.name == sheet })
	if i < 0 {
		return nil, w.noSheet(sheet, w.Sheets())
	}
	stream, err := w.stream()
	if err == nil {
		_, err = stream.Seek(w.sheets[i].offset, io.SeekStart)
		err = corrupt(err)
	}
	if err != nil {
		return nil, fmt.Errorf("opening sheet %q of %s: %w", sheet, w.name, err)
	}
	src := &xlsSource{rd: newBIFFReader(&limitReader{r: stream, n: w.limits.MaxUncompressed}), w: w}
	return newRowIter(w.base, sheet, src), nil
}

// xlsSource decodes the cell records of one sheet substream. Excel writes
// cells in row order, so a row ends when a cell of another row arrives.
type xlsSource struct {
	rd      *biffReader
	w       *xlsWorkbook
	started bool
	depth   int // of embedded substreams (charts) being skipped
	done    bool
	pending []xlsCell // the cells read ahead, all of one row
	formula *xlsCell  // a formula whose string result the next STRING record holds
}

type xlsCell struct {
	row, col int
	cell     Cell
}

func (s *xlsSource) close() error { return nil }

func (s *xlsSource) next(buf []Cell) (cells []Cell, num, rep int, err error) {
	defer recoverCorrupt(&err)
	row := -1
	place := func(cs []xlsCell) error {
		for _, c := range cs {
			if c.cell.Kind == Empty {
				continue
			}
			if c.col >= s.w.limits.MaxRowCells {
				return fmt.Errorf("%w: row %d has a value in column %s, beyond Limits.MaxRowCells", ErrTooLarge, c.row+1, CellRef(c.col, 0))
			}
			for len(buf) <= c.col {
				buf = append(buf, Cell{})
			}
			buf[c.col] = c.cell
		}
		return nil
	}
	if len(s.pending) > 0 {
		row = s.pending[0].row
		if err := place(s.pending); err != nil {
			return nil, 0, 0, err
		}
		s.pending = s.pending[:0]
	}
	for !s.done {
		rec, err := s.rd.next()
		if err != nil {
			return nil, 0, 0, corrupt(err)
		}
		if !s.started {
			if rec.typ != recBOF {
				return nil, 0, 0, fmt.Errorf("%w: no BOF record at the sheet's offset", ErrCorrupt)
			}
			s.started = true
			continue
		}
		switch {
		case rec.typ == recBOF:
			s.depth++
			continue
		case rec.typ == recEOF && s.depth > 0:
			s.depth--
			continue
		case rec.typ == recEOF:
			s.done = true
			continue
		case s.depth > 0:
			continue
		}
		cs, err := s.cells(rec)
		if err != nil {
			return nil, 0, 0, err
		}
		if len(cs) == 0 {
			continue
		}
		if row >= 0 && cs[0].row != row {
			s.pending = append(s.pending, cs...)
			return buf, row + 1, 1, nil
		}
		row = cs[0].row
		if err := place(cs); err != nil {
			return nil, 0, 0, err
		}
	}
	if row >= 0 {
		return buf, row + 1, 1, nil
	}
	return nil, 0, 0, io.EOF
}

// cells decodes the cells of a cell record (none for other records).
func (s *xlsSource) cells(rec record) ([]xlsCell, error) {
	p := &segReader{segs: rec.segs}
	data := rec.segs[0]
	if rec.typ == recString {
		f := s.formula
		s.formula = nil
		if f == nil {
			return nil, nil
		}
		str, err := p.unicodeString(false, s.w.limits.MaxCellBytes)
		if err != nil {
			return nil, err
		}
		f.cell = textCell(str)
		return []xlsCell{*f}, nil
	}
	switch rec.typ {
	case recNumber, recRK, recMulRK, recLabelSST, recLabel, recRString, recBoolErr, recFormula:
	default:
		return nil, nil
	}
	if len(data) < 6 {
		return nil, fmt.Errorf("%w: truncated XLS cell record %#x", ErrCorrupt, rec.typ)
	}
	s.formula = nil
	row, col, xf := int(binary.LittleEndian.Uint16(data)), int(binary.LittleEndian.Uint16(data[2:])), int(binary.LittleEndian.Uint16(data[4:]))
	at := func(c Cell) []xlsCell { return []xlsCell{{row, col, c}} }
	p.skip(6)
	switch rec.typ {
	case recNumber:
		b := p.bytes(8)
		if len(b) < 8 {
			break
		}
		return at(s.number(math.Float64frombits(binary.LittleEndian.Uint64(b)), xf)), nil
	case recRK:
		return at(s.number(rkNumber(p.u32()), xf)), nil
	case recMulRK: // rw, colFirst, (ixfe, RK)..., colLast
		p = &segReader{segs: rec.segs}
		p.skip(4)
		var out []xlsCell
		for c := col; p.avail() >= 6+2; c++ {
			xf := p.u16()
			out = append(out, xlsCell{row, c, s.number(rkNumber(p.u32()), xf)})
		}
		return out, nil
	case recLabelSST:
		i := int(p.u32())
		if p.bad || i >= len(s.w.sst) {
			return nil, fmt.Errorf("%w: shared string index %d out of range", ErrCorrupt, i)
		}
		return at(textCell(s.w.sst[i])), nil
	case recLabel, recRString:
		str, err := p.unicodeString(false, s.w.limits.MaxCellBytes)
		if err != nil {
			return nil, err
		}
		return at(textCell(str)), nil
	case recBoolErr:
		b := p.bytes(2)
		if len(b) < 2 {
			break
		}
		if b[1] != 0 {
			return at(Cell{Kind: Error, Value: biffError(b[0])}), nil
		}
		return at(boolValue(b[0] != 0)), nil
	case recFormula:
		v := p.bytes(8)
		if len(v) < 8 {
			break
		}
		if v[6] != 0xFF || v[7] != 0xFF {
			return at(s.number(math.Float64frombits(binary.LittleEndian.Uint64(v)), xf)), nil
		}
		switch v[0] {
		case 0: // a string, in the STRING record that follows
			s.formula = &xlsCell{row: row, col: col}
		case 1:
			return at(boolValue(v[2] != 0)), nil
		case 2:
			return at(Cell{Kind: Error, Value: biffError(v[2])}), nil
		}
		return nil, nil
	}
	return nil, fmt.Errorf("%w: truncated XLS cell record %#x", ErrCorrupt, rec.typ)
}

// number returns a Number cell, or a Date cell when the XF's number format
// is a date or time format.
func (s *xlsSource) number(v float64, xf int) Cell {
	c, ok := numberCell(v)
	if !ok {
		return Cell{Kind: Error, Value: "#NUM!"}
	}
	if xf < len(s.w.xfKind) && s.w.xfKind[xf] != fmtNumber {
		if d, ok := serialCell(v, s.w.date1904, s.w.xfKind[xf]); ok {
			return d
		}
	}
	return c
}

func boolValue(b bool) Cell {
	if b {
		return Cell{Kind: Bool, Value: "TRUE"}
	}
	return Cell{Kind: Bool, Value: "FALSE"}
}
