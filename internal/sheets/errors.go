package sheets

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/cornerstone-data/cornerstone/internal/safetext"
)

// Sentinel errors. Errors returned by this package wrap one of these (test
// with errors.Is) together with the detail of what went wrong and where.
var (
	// ErrNoSheet reports a sheet name that the workbook does not have. The
	// wrapping error names the sheet asked for and lists the sheets found.
	ErrNoSheet = errors.New("sheet not found")
	// ErrHeaderNotFound reports that FindHeader saw no row holding all the
	// wanted header texts. FindHeader returns it as a *HeaderError naming
	// the sheet, the texts and the row closest to the header.
	ErrHeaderNotFound = errors.New("header row not found")
	// ErrTooLarge reports input beyond the configured Limits: a zip bomb, a
	// row wider than Limits.MaxRowCells, more cells than Limits.MaxCells, a
	// cell longer than Limits.MaxCellBytes.
	ErrTooLarge = errors.New("workbook exceeds reading limits")
	// ErrCorrupt reports input that is not a well-formed workbook of its
	// format: a truncated or damaged zip, malformed XML, a CSV syntax error, a
	// damaged XLS stream.
	ErrCorrupt = errors.New("corrupt or truncated workbook")
	// ErrUnsupported reports a recognised but unsupported file: a zip that is
	// neither ODS nor XLSX, XLSB, encrypted workbooks, BIFF5 and older XLS,
	// UTF-16 text, HTML or XML saved with a spreadsheet extension.
	ErrUnsupported = errors.New("unsupported workbook format")
)

// CellError reports a cell whose value a reader could not accept, for
// example a number column holding "4,256,45x". Readers in other packages
// return it; File is the file's base name, Sheet is "" for CSV, Row is the
// 1-based row number and Col the 0-based column index, as for Rows.Number
// and Rows.Row.
type CellError struct {
	File  string
	Sheet string
	Row   int
	Col   int
	Value string
	Err   error
}

// Error formats the error as
// `file.ods sheet "1a" cell D7 ("4,256,45x"): not a number`, the value
// clipped to safetext.ValueMax bytes.
func (e *CellError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Sheet != "" {
		b.WriteString(" sheet ")
		b.WriteString(strconv.Quote(e.Sheet))
	}
	if b.Len() > 0 {
		b.WriteByte(' ')
	}
	b.WriteString("cell ")
	b.WriteString(CellRef(e.Col, e.Row))
	if e.Value != "" {
		b.WriteString(" (")
		b.WriteString(strconv.Quote(safetext.Value(e.Value)))
		b.WriteByte(')')
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("invalid value")
	}
	return b.String()
}

// Unwrap returns the underlying error.
func (e *CellError) Unwrap() error { return e.Err }

// HeaderError is the error FindHeader returns when no row holds every
// wanted header text; it matches ErrHeaderNotFound with errors.Is. Row is
// the row closest to the header (the first of the rows holding the most
// wanted texts; 0 when the sheet has no rows), Missing the wanted texts it
// lacks and Present the texts of its non-empty cells, so a caller can name
// the header that is missing and the headers nearest to it.
type HeaderError struct {
	File    string   // the file's base name ("" when the Rows did not come from Open)
	Sheet   string   // "" for CSV
	Want    []string // the wanted texts, normalised
	MaxRows int      // the rows examined (0: every row)
	Row     int      // the closest row's 1-based number; 0 when the sheet has no rows
	Missing []string // the wanted texts Row lacks, in the order wanted
	Present []string // the normalised texts of Row's non-empty cells, in column order
}

// Found returns how many of the wanted texts the closest row holds: a
// caller trying several sheets reports the one that came closest.
func (e *HeaderError) Found() int { return len(e.Want) - len(e.Missing) }

// Error formats the error as `finding header ["Name" "Type"] in f.csv:
// header row not found in the first 10 rows; closest is row 1, lacking
// ["Type"]`.
func (e *HeaderError) Error() string {
	where := "sheet"
	switch {
	case e.File != "" && e.Sheet != "":
		where = e.File + " sheet " + strconv.Quote(e.Sheet)
	case e.File != "":
		where = e.File
	case e.Sheet != "":
		where = "sheet " + strconv.Quote(e.Sheet)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "finding header %q in %s: %v", e.Want, where, ErrHeaderNotFound)
	if e.Row == 0 {
		b.WriteString(": the sheet has no rows")
		return b.String()
	}
	if e.MaxRows > 0 {
		fmt.Fprintf(&b, " in the first %d rows", e.MaxRows)
	} else {
		b.WriteString(" in any row")
	}
	fmt.Fprintf(&b, "; closest is row %d, lacking %q", e.Row, e.Missing)
	return b.String()
}

// Unwrap returns ErrHeaderNotFound.
func (e *HeaderError) Unwrap() error { return ErrHeaderNotFound }
