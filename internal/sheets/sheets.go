// Package sheets reads the cells of published spreadsheets (CSV, XLSX, ODS
// and legacy BIFF8 XLS workbooks) through one streaming API.
//
// Open detects the format from the file's content, never its name, and
// returns a Workbook; Workbook.Rows returns an iterator over one sheet's
// rows. Every reader streams: memory stays bounded by the widest row (plus
// the shared string table of an XLSX or XLS workbook), whatever the size of
// the file. Limits bound what a hostile file can make a reader do, and a
// malformed file yields an error wrapping ErrCorrupt, never a panic or a
// hang.
//
// Rows returns only rows that have at least one non-empty cell, and trims
// trailing empty cells, so the million empty rows and sixteen thousand empty
// columns an ODS file may declare cost nothing; Number always reports the
// row number a spreadsheet application shows, so skipped rows stay visible
// as gaps.
//
// Values come as text in one canonical form per Kind (see Cell), so that a
// reader written against one format works on the others; formula cells read
// as their cached results. FindHeader and NormalizeHeader locate a table's
// header row by its text rather than its position.
//
// The XLSX, ODS and XLS readers decode the files themselves (archive/zip,
// encoding/xml token by token, and a BIFF8 record reader over
// github.com/richardlehane/mscfb), because the Go libraries that read these
// formats either load whole sheets, lose cell types, or do not read formula
// results. Packages sheetwrite and xlswrite write these formats (the demo sample and test fixtures).
//
// A Workbook's methods must not be called concurrently; the Rows they return
// may each be used from a different goroutine.
package sheets

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/cornerstone-data/cornerstone/internal/filetype"
)

// Format is a workbook file format.
type Format int

// The formats Open recognises.
const (
	FormatCSV Format = iota + 1
	FormatXLSX
	FormatODS
	FormatXLS
)

// String returns the format's name: "CSV", "XLSX", "ODS" or "XLS".
func (f Format) String() string {
	switch f {
	case FormatCSV:
		return "CSV"
	case FormatXLSX:
		return "XLSX"
	case FormatODS:
		return "ODS"
	case FormatXLS:
		return "XLS"
	}
	return "Format(" + strconv.Itoa(int(f)) + ")"
}

// Workbook is an open workbook. The caller must Close it, after closing its
// Rows; Rows used after their Workbook is closed fail with an I/O error.
type Workbook interface {
	// Format returns the detected file format.
	Format() Format
	// Sheets returns the sheet names in workbook order (hidden sheets
	// included). A CSV file has exactly one sheet, named "".
	Sheets() []string
	// Rows returns a streaming iterator over the named sheet, which the
	// caller must Close. An unknown name yields an error wrapping
	// ErrNoSheet that names the sheet and lists the sheets found.
	Rows(sheet string) (Rows, error)
	// Close releases the file.
	Close() error
}

// Rows iterates over the rows of one sheet that hold at least one
// non-empty cell, in file order:
//
//	rows, err := wb.Rows("1a")
//	if err != nil { ... }
//	defer rows.Close()
//	for rows.Next() {
//		use(rows.Number(), rows.Row())
//	}
//	if err := rows.Err(); err != nil { ... }
type Rows interface {
	// Next advances to the next non-empty row and reports whether there
	// is one. It returns false at the end of the sheet or on error.
	Next() bool
	// Row returns the current row's cells indexed by 0-based column, with
	// trailing empty cells trimmed (so it is never empty). The slice is
	// reused by Next: copy it to keep it.
	Row() []Cell
	// Number returns the current row's 1-based number as a spreadsheet
	// application shows it; for CSV, the 1-based line on which the record
	// starts.
	Number() int
	// Err returns the error that stopped Next, if any.
	Err() error
	// Close releases the iterator; it is safe to call more than once.
	Close() error
}

// Open opens the workbook at path, detecting its format from its content:
// a zip whose mimetype entry is application/vnd.oasis.opendocument.spreadsheet
// is ODS, a zip with an xl/workbook.xml part is XLSX, an OLE2 compound file is
// XLS, and anything else is CSV (except UTF-16 text, HTML and XML, which
// yield ErrUnsupported). The caller must Close the Workbook.
//
// Open reads the workbook's structure (the tables' names and offsets in an
// ODS content.xml, the workbook part of an XLSX, the globals of an XLS) and
// fails with an error wrapping ErrCorrupt, ErrUnsupported or ErrTooLarge
// when that is malformed, unsupported or too large; a missing or unreadable
// file yields the os error.
func Open(path string, opts ...Option) (Workbook, error) {
	b := newBase(filepath.Base(path), opts)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening workbook: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("opening workbook: %w", err)
	}
	return openFile(f, st.Size(), b)
}

// file is what a Workbook reads: an *os.File, or bytes in tests.
type file interface {
	io.ReaderAt
	io.Closer
}

// openFile opens the workbook held in f, closing f on failure.
func openFile(f file, size int64, b *base) (Workbook, error) {
	wb, err := detect(f, size, b)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("opening %s: %w", b.name, err)
	}
	return wb, nil
}

// detect dispatches on what the first bytes of f say it is (internal/filetype, the detector the
// fetch layer also uses).
func detect(f file, size int64, b *base) (Workbook, error) {
	head := make([]byte, filetype.HeadSize)
	n, err := f.ReadAt(head, 0)
	if err != nil && err != io.EOF {
		return nil, err
	}
	switch filetype.Detect(head[:n]) {
	case filetype.Zip, filetype.EmptyZip:
		return openZip(f, size, b)
	case filetype.OLE2:
		return openXLS(f, size, b)
	case filetype.OldExcel:
		return nil, fmt.Errorf("%w: Excel 2.x-4.x (BIFF2-4) file", ErrUnsupported)
	case filetype.UTF16:
		return nil, fmt.Errorf("%w: UTF-16 text (save the file as UTF-8 CSV)", ErrUnsupported)
	case filetype.HTML, filetype.XML:
		return nil, fmt.Errorf("%w: XML or HTML document, not a spreadsheet", ErrUnsupported)
	}
	return openCSV(f, size, b), nil
}

// base holds what every Workbook implementation shares.
type base struct {
	name   string // the file's base name, for messages
	limits Limits
	budget cellBudget
}

func newBase(name string, opts []Option) *base {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	b := &base{name: name, limits: o.limits.withDefaults()}
	b.budget.max = b.limits.MaxCells
	return b
}

// noSheet returns the error for a sheet name the workbook lacks.
func (b *base) noSheet(sheet string, have []string) error {
	quoted := make([]string, len(have))
	for i, s := range have {
		quoted[i] = strconv.Quote(s)
	}
	return fmt.Errorf("opening sheet %q of %s: %w (sheets: %s)", sheet, b.name, ErrNoSheet, strings.Join(quoted, ", "))
}

// source produces the rows of one sheet for a rowIter.
type source interface {
	// next appends the cells of the next row to buf and returns them with
	// the row's 1-based number and how many identical consecutive rows it
	// stands for (at least 1). It may return rows without a non-empty cell;
	// io.EOF ends the sheet. Other errors are returned without a location
	// prefix: the rowIter adds it.
	next(buf []Cell) (cells []Cell, number, repeat int, err error)
	close() error
}

// rowIter implements Rows over a source: it skips empty rows, trims
// trailing empty cells, expands repeated rows and enforces Limits.MaxCells.
type rowIter struct {
	src    source
	b      *base
	sheet  string
	cells  []Cell
	num    int
	left   int // further repetitions of the current row
	err    error
	done   bool
	closed bool
}

func newRowIter(b *base, sheet string, src source) *rowIter {
	return &rowIter{src: src, b: b, sheet: sheet}
}

// Next implements Rows.
func (r *rowIter) Next() bool {
	if r.done {
		return false
	}
	if r.left > 0 {
		r.left--
		r.num++
		return true
	}
	for {
		cells, num, rep, err := r.src.next(r.cells[:0])
		if err != nil {
			r.done = true
			if err != io.EOF {
				r.err = fmt.Errorf("reading %s after row %d: %w", r.where(), r.num, err)
			}
			return false
		}
		n := len(cells)
		for n > 0 && cells[n-1].Kind == Empty {
			n--
		}
		r.cells = cells[:n]
		if n == 0 {
			continue
		}
		if rep < 1 {
			rep = 1
		}
		if err := r.b.budget.take(int64(n) * int64(rep)); err != nil {
			r.done = true
			r.err = fmt.Errorf("reading %s row %d: %w", r.where(), num, err)
			return false
		}
		r.num, r.left = num, rep-1
		return true
	}
}

// fileSheet names the file and the sheet for FindHeader's errors.
func (r *rowIter) fileSheet() (file, sheet string) { return r.b.name, r.sheet }

func (r *rowIter) where() string {
	if r.sheet == "" {
		return r.b.name
	}
	return fmt.Sprintf("%s sheet %q", r.b.name, r.sheet)
}

// Row implements Rows.
func (r *rowIter) Row() []Cell { return r.cells }

// Number implements Rows.
func (r *rowIter) Number() int { return r.num }

// Err implements Rows.
func (r *rowIter) Err() error { return r.err }

// Close implements Rows.
func (r *rowIter) Close() error {
	r.done = true
	if r.closed {
		return nil
	}
	r.closed = true
	return r.src.close()
}
