package sheets

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// csvWorkbook is a CSV file seen as a workbook with one sheet named "".
type csvWorkbook struct {
	*base
	f    file
	size int64
}

func openCSV(f file, size int64, b *base) *csvWorkbook {
	return &csvWorkbook{base: b, f: f, size: size}
}

func (w *csvWorkbook) Format() Format   { return FormatCSV }
func (w *csvWorkbook) Sheets() []string { return []string{""} }
func (w *csvWorkbook) Close() error     { return w.f.Close() }

// Rows returns the records of the file; sheet must be "". Each call reads
// the file from its start, independently of other Rows.
func (w *csvWorkbook) Rows(sheet string) (Rows, error) {
	if sheet != "" {
		return nil, w.noSheet(sheet, w.Sheets())
	}
	r := newCSVReader(io.NewSectionReader(w.f, 0, w.size), w.limits)
	r.r.ReuseRecord = true
	return newRowIter(w.base, "", &csvSource{r: r}), nil
}

// CSVReader reads the records of a CSV file the way Open's CSV workbooks
// do, for a reader that needs every field as written (empty ones included):
// strict quoting, any number of fields per record, a leading UTF-8 byte
// order mark dropped, U+FEFF at the start of a field dropped, invalid UTF-8
// replaced by U+FFFD, and the Limits enforced as the file is read (bytes of
// the file, of one record, of one field, fields of one record), so a
// hostile file costs at most about MaxRecordBytes of memory before failing
// with an error wrapping ErrTooLarge. A syntax error wraps ErrCorrupt (and
// the *csv.ParseError).
type CSVReader struct {
	r      *csv.Reader
	lim    *recordLimiter
	limits Limits
	line   int
}

// utf8BOM starts some UTF-8 CSV files; the reader drops it.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// NewCSVReader returns a CSVReader reading r within the Limits of opts.
func NewCSVReader(r io.Reader, opts ...Option) *CSVReader {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return newCSVReader(r, o.limits.withDefaults())
}

func newCSVReader(r io.Reader, limits Limits) *CSVReader {
	lim := &recordLimiter{r: &limitReader{r: r, n: limits.MaxUncompressed}, max: int64(limits.MaxRecordBytes)}
	br := bufio.NewReaderSize(lim, csvBuffer)
	if head, err := br.Peek(len(utf8BOM)); err == nil && bytes.Equal(head, utf8BOM) {
		br.Discard(len(utf8BOM))
		lim.start = int64(len(utf8BOM))
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	return &CSVReader{r: cr, lim: lim, limits: limits}
}

// csvBuffer is the read buffer below encoding/csv.
const csvBuffer = 64 << 10

// Read returns the next record (a new slice unless the reader reuses
// records internally), or io.EOF after the last one.
func (c *CSVReader) Read() ([]string, error) {
	rec, err := c.r.Read()
	if err != nil {
		if err == io.EOF {
			return nil, io.EOF
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) && !errors.Is(err, ErrTooLarge) {
			return nil, fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		return nil, err // a limit or an I/O error
	}
	c.lim.start = c.r.InputOffset()
	c.line, _ = c.r.FieldPos(0)
	if len(rec) > c.limits.MaxRowCells {
		return nil, fmt.Errorf("%w: line %d has %d fields, more than Limits.MaxRowCells", ErrTooLarge, c.line, len(rec))
	}
	for i, field := range rec {
		if len(field) > c.limits.MaxCellBytes {
			return nil, fmt.Errorf("%w: a field on line %d is longer than Limits.MaxCellBytes", ErrTooLarge, c.line)
		}
		if !utf8.ValidString(field) {
			field = strings.ToValidUTF8(field, "\uFFFD")
		}
		rec[i] = stripBOM(field)
	}
	return rec, nil
}

// Line returns the 1-based line on which the last record read starts.
func (c *CSVReader) Line() int { return c.line }

// recordLimiter fails once the bytes read past the start of the current
// record (start, which the CSVReader moves after each record) exceed max
// plus what the buffer above it may hold: encoding/csv holds a whole
// record in memory before splitting it into fields.
type recordLimiter struct {
	r     io.Reader
	read  int64
	start int64
	max   int64
}

func (l *recordLimiter) Read(p []byte) (int, error) {
	if l.read-l.start > l.max+csvBuffer {
		return 0, fmt.Errorf("%w: a record longer than Limits.MaxRecordBytes (%d bytes)", ErrTooLarge, l.max)
	}
	n, err := l.r.Read(p)
	l.read += int64(n)
	return n, err
}

// csvSource feeds a rowIter from a CSVReader: every field is a String.
type csvSource struct{ r *CSVReader }

func (s *csvSource) next(buf []Cell) ([]Cell, int, int, error) {
	rec, err := s.r.Read()
	if err != nil {
		return nil, 0, 0, err
	}
	for _, field := range rec {
		buf = append(buf, textCell(field))
	}
	return buf, s.r.Line(), 1, nil
}

func (s *csvSource) close() error { return nil }
