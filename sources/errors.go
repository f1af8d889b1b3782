package sources

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"

	"github.com/cornerstone-data/cornerstone/internal/safetext"
	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
)

var (
	// ErrNoVintage means a release's vintage could not be told from its discovery or its files
	// (name, title rows, sheets): no source guesses one or makes one up from the file's hash, so
	// a --from file that does not say it must be named with --vintage.
	ErrNoVintage = errors.New("cannot tell the release vintage (name it with --vintage)")
	// ErrNothingPublished means discovery found no release matching the source's filters.
	ErrNothingPublished = errors.New("no release found")
	// ErrEmptyRelease means a release parsed to zero rows.
	ErrEmptyRelease = errors.New("release has no rows")
	// ErrRowCollapse means a release has far fewer rows than the previous one of its dataset.
	ErrRowCollapse = errors.New("row count collapsed against the previous release")
	// ErrOlderRelease means discovery offered a release older than the one already held: an older
	// copy of a release held in a later revision, or, when the publisher's index no longer lists
	// the newest release held, anything older than it. A file named with --from may be older on
	// purpose and is loaded with a note.
	ErrOlderRelease = errors.New("release is older than the one held")
	// ErrLayout means a file's layout is not the one the reader knows (a header missing or renamed).
	ErrLayout = errors.New("unexpected layout")
	// ErrInvalid means a file has cells that fail validation; see *ValidationError.
	ErrInvalid = errors.New("invalid input")
	// ErrNotRegularFile means --from (or a file setting) names a folder, a named pipe, a socket or
	// a device: only regular files are read, so nothing can block on a pipe with no writer.
	ErrNotRegularFile = errors.New("not a regular file")
	// ErrFileTooLarge means a local file is larger than its source reads (Info.MaxFileBytes).
	ErrFileTooLarge = errors.New("file too large for this source")
)

// LoadError is a failed load of one release; the message names the source, the release and the file.
type LoadError struct {
	Source  string
	Release string // dataset@vintage, or empty when unknown
	File    string // file name or URL
	Err     error
}

func (e *LoadError) Error() string {
	var b strings.Builder
	b.WriteString("loading ")
	b.WriteString(e.Source)
	if e.Release != "" {
		b.WriteString(" release " + e.Release)
	}
	if e.File != "" {
		b.WriteString(" from " + e.File)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *LoadError) Unwrap() error { return e.Err }

// LayoutError says which header a reader expected and what it found instead:
// `f.xlsx sheet "Data": header "Type" not found (row 1, the closest to the header); nearest headers found: ["Library type"]`.
type LayoutError struct {
	File     string
	Sheet    string
	Row      int      // the 1-based row looked at for the header (0: not said)
	Closest  bool     // no row held the whole header; Row is the one that came closest
	Expected string   // the header text expected
	Nearest  []string // the closest headers found, best first
	Detail   string   // optional extra context
	Err      error    // the error it was made from, if any (a *sheets.HeaderError)
}

func (e *LayoutError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s", e.File)
	if e.Sheet != "" {
		fmt.Fprintf(&b, " sheet %q", e.Sheet)
	}
	fmt.Fprintf(&b, ": header %q not found", e.Expected)
	switch {
	case e.Row > 0 && e.Closest:
		fmt.Fprintf(&b, " (row %d, the closest to the header)", e.Row)
	case e.Row > 0:
		fmt.Fprintf(&b, " (header row %d)", e.Row)
	}
	if len(e.Nearest) > 0 {
		near := make([]string, len(e.Nearest))
		for i, n := range e.Nearest {
			near[i] = safetext.Value(n)
		}
		fmt.Fprintf(&b, "; nearest headers found: %q", near)
	}
	if e.Detail != "" {
		b.WriteString("; " + safetext.Clip(e.Detail, 2*safetext.ValueMax))
	}
	return b.String()
}

// Unwrap returns ErrLayout and the error the LayoutError was made from.
func (e *LayoutError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrLayout}
	}
	return []error{ErrLayout, e.Err}
}

// DuplicateColumnError reports a header a reader needs that appears in two columns of a file's
// header row: `f.csv: header "Name" appears in two columns, B and F: which one holds the figures
// cannot be told`. It matches ErrLayout.
type DuplicateColumnError struct {
	File   string
	Sheet  string
	Header string
	Cols   [2]int // 0-based column indexes, as sheets.Rows gives them
}

func (e *DuplicateColumnError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Sheet != "" {
		fmt.Fprintf(&b, " sheet %q", e.Sheet)
	}
	fmt.Fprintf(&b, ": header %q appears in two columns, %s and %s: which one holds the figures cannot be told",
		e.Header, sheets.CellRef(e.Cols[0], 0), sheets.CellRef(e.Cols[1], 0))
	return b.String()
}

// Unwrap returns ErrLayout.
func (e *DuplicateColumnError) Unwrap() error { return ErrLayout }

// Problem is one bad cell or row found by validation.
type Problem struct {
	Row    int    // 1-based row as a spreadsheet shows it (header is row 1 in a CSV)
	Column string // column header
	Value  string
	Why    string
}

// String renders the problem for a message; the column, the value and the reason are clipped
// (safetext.Value), since they come from the file.
func (p Problem) String() string {
	return fmt.Sprintf("row %d column %q value %q: %s", p.Row, safetext.Value(p.Column), safetext.Value(p.Value),
		safetext.Clip(p.Why, 2*safetext.ValueMax))
}

// MaxProblemsListed is how many problems a ValidationError's message lists; it counts them all.
const MaxProblemsListed = 100

// ValidationError lists every problem found in a file before anything was loaded.
type ValidationError struct {
	File     string
	Sheet    string
	Problems []Problem
}

// Error lists the problems, one a line: all of them up to MaxProblemsListed, else that many and a
// count of the rest.
func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s", e.File)
	if e.Sheet != "" {
		fmt.Fprintf(&b, " sheet %q", safetext.Value(e.Sheet))
	}
	fmt.Fprintf(&b, ": %d problem(s), nothing loaded:", len(e.Problems))
	for i, p := range e.Problems {
		if i == MaxProblemsListed {
			fmt.Fprintf(&b, "\n  … and %d more (the first %d are listed)", len(e.Problems)-i, i)
			break
		}
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

func (e *ValidationError) Unwrap() error { return ErrInvalid }

// Load failure reasons, recorded in meta.loads.reason and sent in notifications: a short stable
// word for what went wrong, beside the full message.
const (
	ReasonHTMLPage         = "html_page"         // an HTML page (a login, cookie or error page) instead of the file
	ReasonEmpty            = "empty_file"        // a file with no bytes, or one that parsed to no rows
	ReasonRowCollapse      = "row_collapse"      // far fewer rows than the previous release
	ReasonOlderRelease     = "older_release"     // older than the release held
	ReasonWrongFormat      = "wrong_format"      // not the format expected (CSV for XLSX…), or too large
	ReasonLayout           = "layout"            // a header missing or renamed
	ReasonInvalid          = "invalid"           // cells that fail validation
	ReasonNoVintage        = "no_vintage"        // the release could not be identified
	ReasonNothingPublished = "nothing_published" // discovery found no release
	ReasonTransient        = "transient"         // a network failure or a 5xx that outlasted the retries
	ReasonHTTPStatus       = "http_status"       // a 4xx from the publisher
	ReasonInterrupted      = "interrupted"       // the run was stopped (SIGTERM, Ctrl-C)
	ReasonBusy             = "warehouse_busy"    // another process held the warehouse for too long
	ReasonError            = "error"             // anything else; the message says what
)

// Reason classifies a load or discovery failure as one of the Reason* words ("" for nil).
func Reason(err error) string {
	var se *fetch.StatusError
	var le *LayoutError
	var ve *ValidationError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return ReasonInterrupted
	case errors.Is(err, fetch.ErrHTML):
		return ReasonHTMLPage
	case errors.Is(err, fetch.ErrEmpty), errors.Is(err, ErrEmptyRelease):
		return ReasonEmpty
	case errors.Is(err, ErrRowCollapse):
		return ReasonRowCollapse
	case errors.Is(err, ErrOlderRelease):
		return ReasonOlderRelease
	case errors.Is(err, fetch.ErrUnexpectedFormat), errors.Is(err, fetch.ErrTooLarge), errors.Is(err, ErrFileTooLarge):
		return ReasonWrongFormat
	case errors.As(err, &le), errors.Is(err, ErrLayout):
		return ReasonLayout
	case errors.As(err, &ve), errors.Is(err, ErrInvalid), errors.Is(err, ErrBadLabel):
		return ReasonInvalid
	case errors.Is(err, ErrNoVintage):
		return ReasonNoVintage
	case errors.Is(err, ErrNothingPublished):
		return ReasonNothingPublished
	case errors.Is(err, warehouse.ErrBusy):
		return ReasonBusy
	case Transient(err):
		return ReasonTransient
	case errors.As(err, &se):
		return ReasonHTTPStatus
	}
	return ReasonError
}

// Transient reports whether err is a failure that may pass if tried again later: a 5xx or 429
// from the publisher, a timeout, a stalled or truncated download, or a refused or reset
// connection (after the fetch layer's own retries). Cancellation is not transient.
func Transient(err error) bool {
	var se *fetch.StatusError
	var ne net.Error
	var dns *net.DNSError
	switch {
	case err == nil, errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	case errors.Is(err, fetch.ErrHTML), errors.Is(err, fetch.ErrEmpty), errors.Is(err, fetch.ErrUnexpectedFormat):
		return false
	case errors.As(err, &se):
		return se.Retryable()
	case errors.Is(err, fetch.ErrTimeout), errors.Is(err, fetch.ErrStalled), errors.Is(err, fetch.ErrTruncated):
		return true
	case errors.As(err, &dns):
		return dns.IsTimeout || dns.IsTemporary
	case errors.As(err, &ne) && ne.Timeout():
		return true
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNABORTED)
}
