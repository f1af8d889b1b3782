package sheets

import (
	"errors"
	"strconv"
	"strings"
)

// Sentinel errors. Errors returned by this package wrap one of these (test
// with errors.Is) together with the detail of what went wrong and where.
var (
	// ErrNoSheet reports a sheet name that the workbook does not have. The
	// wrapping error names the sheet asked for and lists the sheets found.
	ErrNoSheet = errors.New("sheet not found")
	// ErrHeaderNotFound reports that FindHeader saw no row holding all the
	// wanted header texts. The wrapping error names the sheet and the texts.
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
// `file.ods sheet "1a" cell D7 ("4,256,45x"): not a number`.
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
		b.WriteString(strconv.Quote(e.Value))
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
