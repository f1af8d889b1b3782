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
	return newRowIter(w.base, "", newCSVSource(io.NewSectionReader(w.f, 0, w.size), w.limits)), nil
}

// csvSource reads records with encoding/csv: strict quoting, any number of
// fields per record, a leading UTF-8 BOM dropped.
type csvSource struct {
	r      *csv.Reader
	limits Limits
}

// utf8BOM starts some UTF-8 CSV files; the reader drops it.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

func newCSVSource(r io.Reader, limits Limits) *csvSource {
	br := bufio.NewReaderSize(&limitReader{r: r, n: limits.MaxUncompressed}, 64<<10)
	if head, err := br.Peek(len(utf8BOM)); err == nil && bytes.Equal(head, utf8BOM) {
		br.Discard(len(utf8BOM))
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return &csvSource{r: cr, limits: limits}
}

func (s *csvSource) next(buf []Cell) ([]Cell, int, int, error) {
	rec, err := s.r.Read()
	if err != nil {
		if err == io.EOF {
			return nil, 0, 0, io.EOF
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) && !errors.Is(err, ErrTooLarge) {
			return nil, 0, 0, fmt.Errorf("%w: %w", ErrCorrupt, err)
		}
		return nil, 0, 0, err // a limit or an I/O error
	}
	line, _ := s.r.FieldPos(0)
	if len(rec) > s.limits.MaxRowCells {
		return nil, 0, 0, fmt.Errorf("%w: line %d has %d fields, more than Limits.MaxRowCells", ErrTooLarge, line, len(rec))
	}
	for _, field := range rec {
		if len(field) > s.limits.MaxCellBytes {
			return nil, 0, 0, fmt.Errorf("%w: a field on line %d is longer than Limits.MaxCellBytes", ErrTooLarge, line)
		}
		if !utf8.ValidString(field) {
			field = strings.ToValidUTF8(field, "\uFFFD")
		}
		buf = append(buf, textCell(field))
	}
	return buf, line, 1, nil
}

func (s *csvSource) close() error { return nil }
