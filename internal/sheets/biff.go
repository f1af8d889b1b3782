package sheets

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"unicode/utf16"
)

// BIFF8 record types (MS-XLS 2.3).
const (
	recFormula    = 0x0006
	recEOF        = 0x000A
	recDateMode   = 0x0022
	recFilePass   = 0x002F
	recContinue   = 0x003C
	recBoundSheet = 0x0085
	recMulRK      = 0x00BD
	recXF         = 0x00E0
	recSST        = 0x00FC
	recLabelSST   = 0x00FD
	recRString    = 0x00D6
	recNumber     = 0x0203
	recLabel      = 0x0204
	recBoolErr    = 0x0205
	recString     = 0x0207
	recRK         = 0x027E
	recFormat     = 0x041E
	recBOF        = 0x0809
)

// record is one BIFF record with the payloads of the CONTINUE records that
// follow it.
type record struct {
	typ  uint16
	segs [][]byte // segs[0] is the record's own payload
}

// biffReader reads the records of a BIFF8 stream.
type biffReader struct {
	r       *bufio.Reader
	pending bool // a record header was read ahead
	pendTyp uint16
	pendLen int
}

func newBIFFReader(r io.Reader) *biffReader {
	return &biffReader{r: bufio.NewReaderSize(r, 32<<10)}
}

func (b *biffReader) header() (uint16, int, error) {
	var h [4]byte
	if _, err := io.ReadFull(b.r, h[:]); err != nil {
		return 0, 0, err
	}
	return binary.LittleEndian.Uint16(h[:]), int(binary.LittleEndian.Uint16(h[2:])), nil
}

func (b *biffReader) payload(n int) ([]byte, error) {
	p := make([]byte, n)
	if _, err := io.ReadFull(b.r, p); err != nil {
		return nil, unexpected(err)
	}
	return p, nil
}

// next returns the next record; io.EOF at the end of the stream.
func (b *biffReader) next() (record, error) {
	typ, n, err := b.pendTyp, b.pendLen, error(nil)
	if !b.pending {
		if typ, n, err = b.header(); err != nil {
			return record{}, unexpected(err) // io.ErrUnexpectedEOF also for a clean end
		}
	}
	b.pending = false
	p, err := b.payload(n)
	if err != nil {
		return record{}, err
	}
	rec := record{typ: typ, segs: [][]byte{p}}
	for {
		t, l, err := b.header()
		if err != nil {
			return rec, nil // the stream ends after this record
		}
		if t != recContinue {
			b.pending, b.pendTyp, b.pendLen = true, t, l
			return rec, nil
		}
		p, err := b.payload(l)
		if err != nil {
			return record{}, err
		}
		rec.segs = append(rec.segs, p)
	}
}

// segReader reads fields across a record and its CONTINUE records.
type segReader struct {
	segs [][]byte
	i    int // current segment
	off  int // offset in it
	bad  bool
}

func (s *segReader) avail() int {
	for s.i < len(s.segs) && s.off >= len(s.segs[s.i]) {
		s.i, s.off = s.i+1, 0
	}
	if s.i >= len(s.segs) {
		return 0
	}
	return len(s.segs[s.i]) - s.off
}

func (s *segReader) bytes(n int) []byte {
	out := make([]byte, 0, min(n, 1<<16))
	for n > 0 {
		a := s.avail()
		if a == 0 {
			s.bad = true
			return out
		}
		k := min(a, n)
		out = append(out, s.segs[s.i][s.off:s.off+k]...)
		s.off += k
		n -= k
	}
	return out
}

func (s *segReader) u8() byte {
	b := s.bytes(1)
	if len(b) < 1 {
		return 0
	}
	return b[0]
}

func (s *segReader) u16() int {
	b := s.bytes(2)
	if len(b) < 2 {
		return 0
	}
	return int(binary.LittleEndian.Uint16(b))
}

func (s *segReader) u32() uint32 {
	b := s.bytes(4)
	if len(b) < 4 {
		return 0
	}
	return binary.LittleEndian.Uint32(b)
}

func (s *segReader) skip(n int) {
	for n > 0 {
		a := s.avail()
		if a == 0 {
			s.bad = true
			return
		}
		k := min(a, n)
		s.off += k
		n -= k
	}
}

// chars reads cch characters, 16-bit if high; when the characters continue
// into the next CONTINUE record, it starts with a new option byte.
func (s *segReader) chars(cch int, high bool, maxBytes int) (string, error) {
	if cch > maxBytes {
		return "", fmt.Errorf("%w: XLS string longer than Limits.MaxCellBytes", ErrTooLarge)
	}
	units := make([]uint16, 0, cch)
	for len(units) < cch {
		if s.i < len(s.segs) && s.off >= len(s.segs[s.i]) && s.i+1 < len(s.segs) {
			s.i, s.off = s.i+1, 0
			high = s.u8()&1 != 0
		}
		if high {
			b := s.bytes(2)
			if len(b) < 2 {
				break
			}
			units = append(units, binary.LittleEndian.Uint16(b))
		} else {
			b := s.bytes(1)
			if len(b) < 1 {
				break
			}
			units = append(units, uint16(b[0]))
		}
	}
	if s.bad {
		return "", fmt.Errorf("%w: XLS string runs past its record", ErrCorrupt)
	}
	return string(utf16.Decode(units)), nil
}

// richString reads an XLUnicodeRichExtendedString (SST entries).
func (s *segReader) richString(maxBytes int) (string, error) {
	cch := s.u16()
	flags := s.u8()
	runs, ext := 0, uint32(0)
	if flags&0x08 != 0 {
		runs = s.u16()
	}
	if flags&0x04 != 0 {
		ext = s.u32()
	}
	str, err := s.chars(cch, flags&1 != 0, maxBytes)
	if err != nil {
		return "", err
	}
	s.skip(4 * runs)
	if ext > 1<<30 {
		return "", fmt.Errorf("%w: XLS string extension of %d bytes", ErrCorrupt, ext)
	}
	s.skip(int(ext))
	if s.bad {
		return "", fmt.Errorf("%w: XLS string runs past its record", ErrCorrupt)
	}
	return str, nil
}

// unicodeString reads an XLUnicodeString (16-bit count) or, if short, a
// ShortXLUnicodeString (8-bit count).
func (s *segReader) unicodeString(short bool, maxBytes int) (string, error) {
	var cch int
	if short {
		cch = int(s.u8())
	} else {
		cch = s.u16()
	}
	return s.chars(cch, s.u8()&1 != 0, maxBytes)
}

// rkNumber decodes an RK value (MS-XLS 2.5.218).
func rkNumber(rk uint32) float64 {
	var v float64
	if rk&2 != 0 {
		v = float64(int32(rk) >> 2)
	} else {
		v = math.Float64frombits(uint64(rk&0xFFFFFFFC) << 32)
	}
	if rk&1 != 0 {
		v /= 100
	}
	return v
}

// biffError returns the text of a BErr error code.
func biffError(code byte) string {
	switch code {
	case 0x00:
		return "#NULL!"
	case 0x07:
		return "#DIV/0!"
	case 0x0F:
		return "#VALUE!"
	case 0x17:
		return "#REF!"
	case 0x1D:
		return "#NAME?"
	case 0x24:
		return "#NUM!"
	case 0x2A:
		return "#N/A"
	case 0x2B:
		return "#GETTING_DATA"
	}
	return "#ERR" + fmt.Sprint(code) + "!"
}

// recoverCorrupt turns a panic into an ErrCorrupt error in *err.
func recoverCorrupt(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: malformed XLS (%v)", ErrCorrupt, r)
	}
}

var errNoBIFF8 = errors.New("not a BIFF8 (Excel 97-2003) workbook stream")
