// Package xlswrite writes small legacy Excel 97-2003 (.xls) workbooks, for
// the demo sample (internal/demo) and for tests: a BIFF8 Workbook stream (globals with a shared string table split
// across CONTINUE records when long, number formats, several sheets) in an
// OLE2 compound file. No Go library writes BIFF8, so this is a minimal
// writer of the records package sheets reads; Excel and LibreOffice open
// its output too, but it writes no fonts, styles or printing records.
package xlswrite

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"time"
	"unicode/utf16"
)

// Book is a workbook to write.
type Book struct {
	Sheets   []Sheet
	Date1904 bool
}

// Sheet is one worksheet. Rows hold cell values:
//
//   - nil: no cell
//   - string: a LABELSST cell (text in the shared string table)
//   - Label: a LABEL cell (text in the cell record)
//   - float64: a NUMBER cell
//   - int: an RK cell when it fits in 30 bits; runs of ints become MULRK
//   - bool, Err: a BOOLERR cell
//   - time.Time: a NUMBER with date format 14 (22 with a time of day)
//   - Formatted: a NUMBER with a custom number format
//   - Formula: a FORMULA cell with a cached result
//   - Blank: a BLANK cell (formatted, no value)
type Sheet struct {
	Name   string
	Rows   [][]any
	Merged [][4]int // first row, first column, last row, last column (0-based)
	// ChartAfterRow embeds a chart substream (BOF...EOF with its own
	// records) after that many rows, as Excel does for embedded charts.
	ChartAfterRow int
}

// Label is text stored in a LABEL record rather than the SST.
type Label string

// Err is an error value such as "#N/A".
type Err string

// Blank is a formatted cell without a value.
type Blank struct{}

// Formatted is a number shown with a custom number format code.
type Formatted struct {
	Value  float64
	Format string
}

// Formula is a formula cell whose cached result is a float64, string, bool
// or Err.
type Formula struct{ Result any }

// Write writes the book to path.
func Write(path string, b Book) error {
	data, err := b.Bytes()
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// XF indexes: 0-14 style XFs, then cell XFs.
const (
	xfGeneral  = 15
	xfDate     = 16
	xfDateTime = 17
	xfCustom   = 18 // and up, one per custom format
)

var errCodes = map[Err]byte{"#NULL!": 0x00, "#DIV/0!": 0x07, "#VALUE!": 0x0F, "#REF!": 0x17, "#NAME?": 0x1D, "#NUM!": 0x24, "#N/A": 0x2A}

// Bytes returns the book as the bytes of an .xls file.
func (b Book) Bytes() ([]byte, error) {
	stream, err := b.Stream()
	if err != nil {
		return nil, err
	}
	return CompoundFile(stream), nil
}

// Stream returns the book's BIFF8 Workbook stream, without the compound
// file around it.
func (b Book) Stream() ([]byte, error) {
	var sst []string
	sstIndex := map[string]int{}
	formats := map[string]int{} // custom format code -> XF index
	var formatOrder []string
	for _, sh := range b.Sheets {
		for _, row := range sh.Rows {
			for _, v := range row {
				switch v := v.(type) {
				case string:
					if _, ok := sstIndex[v]; !ok {
						sstIndex[v] = len(sst)
						sst = append(sst, v)
					}
				case Formatted:
					if _, ok := formats[v.Format]; !ok {
						formats[v.Format] = xfCustom + len(formatOrder)
						formatOrder = append(formatOrder, v.Format)
					}
				}
			}
		}
	}
	var w recWriter
	w.rec(0x0809, le(uint16(0x0600), uint16(0x0005), uint16(0x0DBB), uint16(0x07CC), uint32(0), uint32(6))) // BOF: globals
	w.rec(0x0042, le(uint16(1200)))                                                                         // CODEPAGE: UTF-16
	w.rec(0x0022, le(boolU16(b.Date1904)))                                                                  // DATEMODE
	for i, code := range formatOrder {
		w.rec(0x041E, append(le(uint16(164+i)), unicodeString(code, false)...)) // FORMAT
	}
	for i := 0; i < xfCustom+len(formatOrder); i++ {
		ifmt, flags := uint16(0), uint16(0)
		switch {
		case i < xfGeneral:
			flags = 0xFFF5 // a style XF
		case i == xfDate:
			ifmt = 14
		case i == xfDateTime:
			ifmt = 22
		case i >= xfCustom:
			ifmt = uint16(164 + i - xfCustom)
		}
		w.rec(0x00E0, append(le(uint16(0), ifmt, flags), make([]byte, 14)...)) // XF
	}
	boundSheets := make([]int, len(b.Sheets))
	for i, sh := range b.Sheets {
		boundSheets[i] = w.buf.Len() + 4
		w.rec(0x0085, append(le(uint32(0), uint16(0)), unicodeString(sh.Name, true)...)) // BOUNDSHEET8
	}
	for i, seg := range sstSegments(sst) {
		typ := uint16(0x00FC) // SST, then CONTINUE
		if i > 0 {
			typ = 0x003C
		}
		w.rec(typ, seg)
	}
	w.rec(0x000A, nil) // EOF
	for i, sh := range b.Sheets {
		binary.LittleEndian.PutUint32(w.buf.Bytes()[boundSheets[i]:], uint32(w.buf.Len()))
		if err := w.sheet(sh, sstIndex, formats, b.Date1904); err != nil {
			return nil, fmt.Errorf("xlswrite: sheet %q: %w", sh.Name, err)
		}
	}
	return w.buf.Bytes(), nil
}

func (w *recWriter) sheet(sh Sheet, sstIndex, formats map[string]int, date1904 bool) error {
	w.rec(0x0809, le(uint16(0x0600), uint16(0x0010), uint16(0x0DBB), uint16(0x07CC), uint32(0), uint32(6))) // BOF: worksheet
	w.rec(0x0200, le(uint32(0), uint32(len(sh.Rows)), uint16(0), uint16(256), uint16(0)))                   // DIMENSIONS
	for r, row := range sh.Rows {
		if sh.ChartAfterRow > 0 && r == sh.ChartAfterRow {
			w.rec(0x0809, le(uint16(0x0600), uint16(0x0020), uint16(0x0DBB), uint16(0x07CC), uint32(0), uint32(6)))
			w.rec(0x0203, append(le(uint16(0), uint16(0), uint16(xfGeneral)), f64(99)...)) // not a sheet cell
			w.rec(0x000A, nil)
		}
		for c := 0; c < len(row); c++ {
			cell := le(uint16(r), uint16(c))
			switch v := row[c].(type) {
			case nil:
			case string:
				w.rec(0x00FD, append(cell, le(uint16(xfGeneral), uint32(sstIndex[v]))...))
			case Label:
				w.rec(0x0204, append(append(cell, le(uint16(xfGeneral))...), unicodeString(string(v), false)...))
			case float64:
				w.rec(0x0203, append(append(cell, le(uint16(xfGeneral))...), f64(v)...))
			case int:
				run := 1
				for c+run < len(row) && isRK(row[c+run]) {
					run++
				}
				if !isRK(v) {
					w.rec(0x0203, append(append(cell, le(uint16(xfGeneral))...), f64(float64(v))...))
				} else if run == 1 {
					w.rec(0x027E, append(cell, le(uint16(xfGeneral), uint32(v)<<2|2)...))
				} else {
					for k := 0; k < run; k++ {
						cell = append(cell, le(uint16(xfGeneral), uint32(row[c+k].(int))<<2|2)...)
					}
					w.rec(0x00BD, append(cell, le(uint16(c+run-1))...)) // MULRK
					c += run - 1
				}
			case bool:
				w.rec(0x0205, append(cell, le(uint16(xfGeneral), boolU8(v), uint8(0))...))
			case Err:
				w.rec(0x0205, append(cell, le(uint16(xfGeneral), errCodes[v], uint8(1))...))
			case time.Time:
				xf := xfDate
				if v.Hour() != 0 || v.Minute() != 0 || v.Second() != 0 {
					xf = xfDateTime
				}
				w.rec(0x0203, append(append(cell, le(uint16(xf))...), f64(serial(v, date1904))...))
			case Formatted:
				w.rec(0x0203, append(append(cell, le(uint16(formats[v.Format]))...), f64(v.Value)...))
			case Blank:
				w.rec(0x0201, append(cell, le(uint16(xfGeneral))...))
			case Formula:
				var result []byte
				var str *string
				switch res := v.Result.(type) {
				case float64:
					result = f64(res)
				case string:
					result, str = []byte{0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, &res
				case bool:
					result = []byte{1, 0, boolU8(res), 0, 0, 0, 0xFF, 0xFF}
				case Err:
					result = []byte{2, 0, errCodes[res], 0, 0, 0, 0xFF, 0xFF}
				default:
					return fmt.Errorf("formula result %T", res)
				}
				rec := append(append(cell, le(uint16(xfGeneral))...), result...)
				w.rec(0x0006, append(rec, le(uint16(0), uint32(0), uint16(3), uint8(0x1E), uint16(1))...)) // =1
				if str != nil {
					w.rec(0x0207, unicodeString(*str, false)) // STRING
				}
			default:
				return fmt.Errorf("unsupported cell value %T", v)
			}
		}
	}
	if len(sh.Merged) > 0 {
		data := le(uint16(len(sh.Merged)))
		for _, m := range sh.Merged {
			data = append(data, le(uint16(m[0]), uint16(m[2]), uint16(m[1]), uint16(m[3]))...)
		}
		w.rec(0x00E5, data) // MERGECELLS
	}
	w.rec(0x000A, nil)
	return nil
}

func isRK(v any) bool {
	i, ok := v.(int)
	return ok && i >= -(1<<29) && i < 1<<29
}

// serial converts t to an Excel serial date.
func serial(t time.Time, date1904 bool) float64 {
	epoch := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if date1904 {
		epoch = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return t.Sub(epoch).Hours() / 24
}

type recWriter struct{ buf bytes.Buffer }

func (w *recWriter) rec(typ uint16, data []byte) {
	w.buf.Write(le(typ, uint16(len(data))))
	w.buf.Write(data)
}

// le encodes fixed-size values little-endian.
func le(values ...any) []byte {
	var b bytes.Buffer
	for _, v := range values {
		binary.Write(&b, binary.LittleEndian, v)
	}
	return b.Bytes()
}

func f64(v float64) []byte { return le(math.Float64bits(v)) }

func boolU8(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

func boolU16(b bool) uint16 { return uint16(boolU8(b)) }

// unicodeString encodes an XLUnicodeString (16-bit count) or a
// ShortXLUnicodeString, compressed when every character fits in a byte.
func unicodeString(s string, short bool) []byte {
	units := utf16.Encode([]rune(s))
	var out []byte
	if short {
		out = []byte{byte(len(units))}
	} else {
		out = le(uint16(len(units)))
	}
	return append(out, encodeChars(units)...)
}

func encodeChars(units []uint16) []byte {
	if wide(units) {
		return append([]byte{1}, le(units)...)
	}
	out := []byte{0}
	for _, u := range units {
		out = append(out, byte(u))
	}
	return out
}

func wide(units []uint16) bool {
	for _, u := range units {
		if u > 0xFF {
			return true
		}
	}
	return false
}

// sstSegments lays the shared string table out in records of at most 8224
// bytes; a string whose characters cross into a CONTINUE record resumes
// there after a new option byte.
func sstSegments(strs []string) [][]byte {
	const maxRec = 8224
	var segs [][]byte
	cur := le(uint32(len(strs)), uint32(len(strs)))
	for _, s := range strs {
		units := utf16.Encode([]rune(s))
		size, flags := 1, byte(0)
		if wide(units) {
			size, flags = 2, 1
		}
		if maxRec-len(cur) < 3+size {
			segs, cur = append(segs, cur), nil
		}
		cur = append(cur, le(uint16(len(units)), flags)...)
		for i := 0; ; {
			n := min((maxRec-len(cur))/size, len(units)-i)
			for _, u := range units[i : i+n] {
				if size == 2 {
					cur = append(cur, le(u)...)
				} else {
					cur = append(cur, byte(u))
				}
			}
			if i += n; i == len(units) {
				break
			}
			segs, cur = append(segs, cur), []byte{flags}
		}
	}
	return append(segs, cur)
}

// Compound file constants.
const (
	sectorSize = 512
	freeSect   = 0xFFFFFFFF
	endOfChain = 0xFFFFFFFE
	fatSect    = 0xFFFFFFFD
	noStream   = 0xFFFFFFFF
)

// CompoundFile wraps stream as the "Workbook" stream of an OLE2 compound
// file (version 3, 512-byte sectors): stream sectors, one directory sector,
// then the FAT. The stream is padded to 4096 bytes so it needs no mini
// stream.
func CompoundFile(stream []byte) []byte {
	if len(stream) < 4096 {
		stream = append(stream, make([]byte, 4096-len(stream))...)
	}
	nStream := (len(stream) + sectorSize - 1) / sectorSize
	nFAT := 1
	for nFAT*(sectorSize/4) < nStream+1+nFAT {
		nFAT++
	}
	if nFAT > 109 {
		panic("xlswrite: workbook too large for a header-only DIFAT")
	}
	dirSector := nStream
	fat := make([]uint32, nFAT*sectorSize/4)
	for i := range fat {
		fat[i] = freeSect
	}
	for i := 0; i < nStream; i++ {
		fat[i] = uint32(i + 1)
	}
	fat[nStream-1], fat[dirSector] = endOfChain, endOfChain
	difat := make([]uint32, 109)
	for i := range difat {
		difat[i] = freeSect
	}
	for i := 0; i < nFAT; i++ {
		fat[dirSector+1+i] = fatSect
		difat[i] = uint32(dirSector + 1 + i)
	}
	var out bytes.Buffer
	out.Write([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	out.Write(make([]byte, 16))
	out.Write(le(uint16(0x3E), uint16(3), uint16(0xFFFE), uint16(9), uint16(6), make([]byte, 6)))
	out.Write(le(uint32(0), uint32(nFAT), uint32(dirSector), uint32(0), uint32(4096), uint32(endOfChain), uint32(0), uint32(endOfChain), uint32(0)))
	out.Write(le(difat))
	out.Write(stream)
	out.Write(make([]byte, nStream*sectorSize-len(stream)))
	out.Write(dirEntry("Root Entry", 5, 1, endOfChain, 0))
	out.Write(dirEntry("Workbook", 2, noStream, 0, len(stream)))
	out.Write(dirEntry("", 0, noStream, 0, 0))
	out.Write(dirEntry("", 0, noStream, 0, 0))
	out.Write(le(fat))
	return out.Bytes()
}

func dirEntry(name string, typ uint8, child uint32, start uint32, size int) []byte {
	var nameBytes [64]byte
	units := utf16.Encode([]rune(name))
	copy(nameBytes[:], le(units))
	nameLen := uint16(0)
	if name != "" {
		nameLen = uint16(2 * (len(units) + 1))
	}
	color := uint8(1) // black
	if typ == 0 {
		color = 0
	}
	return le(nameBytes, nameLen, typ, color, uint32(noStream), uint32(noStream), child,
		make([]byte, 16), uint32(0), uint64(0), uint64(0), start, uint64(size))
}
