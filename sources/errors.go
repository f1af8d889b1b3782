package sources

import (
	"errors"
	"fmt"
	"strings"
)

var (
	// ErrNoVintage means a release's vintage could not be told from its discovery or its files.
	ErrNoVintage = errors.New("cannot tell the release vintage")
	// ErrNothingPublished means discovery found no release matching the source's filters.
	ErrNothingPublished = errors.New("no release found")
	// ErrEmptyRelease means a release parsed to zero rows.
	ErrEmptyRelease = errors.New("release has no rows")
	// ErrRowCollapse means a release has far fewer rows than the previous one of its dataset.
	ErrRowCollapse = errors.New("row count collapsed against the previous release")
	// ErrOlderRelease means discovery offered a release older than the one already held.
	ErrOlderRelease = errors.New("release is older than the one held")
	// ErrLayout means a file's layout is not the one the reader knows (a header missing or renamed).
	ErrLayout = errors.New("unexpected layout")
	// ErrInvalid means a file has cells that fail validation; see *ValidationError.
	ErrInvalid = errors.New("invalid input")
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
	if e.Release != "" && e.Release != "@" {
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

// LayoutError says which header a reader expected and what it found instead.
type LayoutError struct {
	File     string
	Sheet    string
	Expected string   // the header text expected
	Nearest  []string // the closest headers found, best first
	Detail   string   // optional extra context
}

func (e *LayoutError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s", e.File)
	if e.Sheet != "" {
		fmt.Fprintf(&b, " sheet %q", e.Sheet)
	}
	fmt.Fprintf(&b, ": header %q not found", e.Expected)
	if len(e.Nearest) > 0 {
		fmt.Fprintf(&b, "; nearest headers found: %q", e.Nearest)
	}
	if e.Detail != "" {
		b.WriteString("; " + e.Detail)
	}
	return b.String()
}

func (e *LayoutError) Unwrap() error { return ErrLayout }

// Problem is one bad cell or row found by validation.
type Problem struct {
	Row    int    // 1-based row as a spreadsheet shows it (header is row 1 in a CSV)
	Column string // column header
	Value  string
	Why    string
}

func (p Problem) String() string {
	return fmt.Sprintf("row %d column %q value %q: %s", p.Row, p.Column, p.Value, p.Why)
}

// ValidationError lists every problem found in a file before anything was loaded.
type ValidationError struct {
	File     string
	Sheet    string
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s", e.File)
	if e.Sheet != "" {
		fmt.Fprintf(&b, " sheet %q", e.Sheet)
	}
	fmt.Fprintf(&b, ": %d problem(s), nothing loaded:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

func (e *ValidationError) Unwrap() error { return ErrInvalid }
