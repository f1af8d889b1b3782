package sheets

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync/atomic"
)

// Limits bounds the work a hostile or broken file can cause. A zero field
// takes its default. Exceeding a limit yields an error wrapping ErrTooLarge.
type Limits struct {
	// MaxUncompressed caps the bytes read from one stream: one zip entry
	// (inflated), the CSV file, the XLS workbook stream. Zip entries that
	// declare more are refused at Open. Default 2 GiB.
	MaxUncompressed int64
	// MaxCells caps the cells returned by all Rows of one Workbook
	// (counting each cell of a row up to its last non-empty cell, and each
	// repetition of an ODS repeated row). Default 200,000,000.
	MaxCells int64
	// MaxRowCells caps the columns of one row, up to its last non-empty
	// cell. Default 20,000 (XLSX and ODS sheets have at most 16,384).
	MaxRowCells int
	// MaxCellBytes caps the text of one cell. Default 4 MiB.
	MaxCellBytes int
	// MaxRecordBytes caps one CSV record (a line, or several when a quoted
	// field spans lines), which is held whole in memory before it is split
	// into fields: a 100 MB one-line file fails after this many bytes.
	// Default 16 MiB.
	MaxRecordBytes int
	// MaxSharedStrings caps the text of an XLSX or XLS workbook's shared
	// string table, which is held in memory while its sheets are read; its
	// strings also count toward MaxCells. Default 256 MiB.
	MaxSharedStrings int64
	// MaxInflateRatio caps how many times its compressed size a zip entry
	// may inflate to once it declares more than 16 MiB: real workbooks
	// compress 3 to 20 times, a crafted one (a sheet of one repeated cell,
	// a shared string table of one repeated string) thousands of times.
	// Default 100.
	MaxInflateRatio int
}

// Default limits.
const (
	DefaultMaxUncompressed = 2 << 30
	DefaultMaxCells        = 200_000_000
	DefaultMaxRowCells     = 20_000
	DefaultMaxCellBytes    = 4 << 20
	DefaultMaxRecordBytes  = 16 << 20
	DefaultMaxSharedString = 256 << 20
	DefaultMaxInflateRatio = 100
)

// inflateGrace is the inflated size under which MaxInflateRatio does not
// apply: small parts (styles, a sheet of empty rows) compress very well.
const inflateGrace = 16 << 20

func (l Limits) withDefaults() Limits {
	if l.MaxUncompressed <= 0 {
		l.MaxUncompressed = DefaultMaxUncompressed
	}
	if l.MaxCells <= 0 {
		l.MaxCells = DefaultMaxCells
	}
	if l.MaxRowCells <= 0 {
		l.MaxRowCells = DefaultMaxRowCells
	}
	if l.MaxCellBytes <= 0 {
		l.MaxCellBytes = DefaultMaxCellBytes
	}
	if l.MaxRecordBytes <= 0 {
		l.MaxRecordBytes = DefaultMaxRecordBytes
	}
	if l.MaxSharedStrings <= 0 {
		l.MaxSharedStrings = DefaultMaxSharedString
	}
	if l.MaxInflateRatio <= 0 {
		l.MaxInflateRatio = DefaultMaxInflateRatio
	}
	return l
}

// Option configures Open.
type Option func(*options)

type options struct {
	limits Limits
}

// WithLimits sets the reading limits; zero fields keep their defaults.
func WithLimits(l Limits) Option {
	return func(o *options) { o.limits = l }
}

// limitReader fails with ErrTooLarge once more than n bytes were read.
type limitReader struct {
	r io.Reader
	n int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, fmt.Errorf("%w: stream longer than Limits.MaxUncompressed", ErrTooLarge)
	}
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n < 0 {
		return n, fmt.Errorf("%w: stream longer than Limits.MaxUncompressed", ErrTooLarge)
	}
	return n, err
}

// cellBudget counts the cells handed out by one Workbook's Rows.
type cellBudget struct {
	used atomic.Int64
	max  int64
}

func (b *cellBudget) take(n int64) error {
	if b.used.Add(n) > b.max {
		return fmt.Errorf("%w: more than Limits.MaxCells (%d) cells", ErrTooLarge, b.max)
	}
	return nil
}

// sharedBudget counts a workbook's shared strings: each is a cell of the
// workbook's MaxCells, and their text counts toward MaxSharedStrings.
type sharedBudget struct{ bytes int64 }

func (s *sharedBudget) take(b *base, text string) error {
	s.bytes += int64(len(text))
	if s.bytes > b.limits.MaxSharedStrings {
		return fmt.Errorf("%w: shared strings longer than Limits.MaxSharedStrings (%d bytes)", ErrTooLarge, b.limits.MaxSharedStrings)
	}
	return b.budget.take(1)
}

// corrupt classifies a decoding error: limit and I/O errors (a closed or
// unreadable file) are returned as they are, anything else means the input
// is malformed and is wrapped with ErrCorrupt.
func corrupt(err error) error {
	if err == nil || errors.Is(err, ErrTooLarge) || errors.Is(err, ErrCorrupt) || errors.Is(err, ErrUnsupported) {
		return err
	}
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) || errors.Is(err, os.ErrClosed) {
		return err
	}
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%w: %w", ErrCorrupt, err)
}
