package warehouse

import (
	"errors"
	"fmt"
	"time"
)

var (
	// ErrNoWarehouse means a read-only open found no database file: nothing has been loaded yet.
	ErrNoWarehouse = errors.New("no warehouse")
	// ErrBusy means another process holds the warehouse (see BusyError for who).
	ErrBusy = errors.New("warehouse busy")
	// ErrSchemaMismatch means an existing table has a column whose type differs from the declaration.
	ErrSchemaMismatch = errors.New("table schema mismatch")
	// ErrBadIdentifier means a schema, table or column name is not a plain lower-case identifier.
	ErrBadIdentifier = errors.New("bad identifier")
	// ErrReadOnly means a write was attempted on a warehouse opened read-only.
	ErrReadOnly = errors.New("warehouse opened read-only")
	// ErrBadPath means the warehouse path holds a character DuckDB's connection string cannot
	// carry ('?' or '%').
	ErrBadPath = errors.New("warehouse path cannot contain '?' or '%'")
)

// Holder describes the process that holds the writer lock.
type Holder struct {
	PID     int       `json:"pid"`
	Host    string    `json:"host"`
	Command string    `json:"command"`
	Since   time.Time `json:"since"`
	// Note is what a holder left for the next one (Lock.LeaveNote); it outlives the holder.
	Note string `json:"note,omitempty"`
}

// String renders the holder for messages: "pid 4915 on host1 (cornerstone run) since 2026-11-23T09:00:00Z".
func (h Holder) String() string {
	if h.PID == 0 {
		return "another process"
	}
	s := fmt.Sprintf("pid %d", h.PID)
	if h.Host != "" {
		s += " on " + h.Host
	}
	if h.Command != "" {
		s += " (" + h.Command + ")"
	}
	if !h.Since.IsZero() {
		s += " since " + h.Since.UTC().Format(time.RFC3339)
	}
	return s
}

// BusyError reports that the warehouse at Path is held by another process. It matches ErrBusy.
type BusyError struct {
	Path   string
	Holder Holder
	// Writer is true when the caller wanted to write (a second writer), false for a reader.
	Writer bool
	Err    error
}

func (e *BusyError) Error() string {
	if e.Writer {
		return fmt.Sprintf("warehouse %s is locked by %s: wait for it to finish, or stop it", e.Path, e.Holder)
	}
	return fmt.Sprintf("warehouse %s is busy: %s is writing to it; try again when it finishes", e.Path, e.Holder)
}

func (e *BusyError) Unwrap() []error { return []error{ErrBusy, e.Err} }

// ErrNotQuery means ReadQuery was given something other than one query: a statement that is not a
// SELECT (COPY, ATTACH, INSTALL, SET, PRAGMA, CALL…), or several statements.
var ErrNotQuery = errors.New("not a query")

// ErrNoFileAccess means a query on a warehouse opened QueryOnly tried to read or write a file, a
// URL or an extension other than the database itself.
var ErrNoFileAccess = errors.New("file and network access are off")

// QueryError is ReadQuery's refusal of a statement; it matches ErrNotQuery, or ErrNoFileAccess when
// DuckDB refused the access (Kind is then "").
type QueryError struct {
	// Kind is the statement refused ("COPY", "ATTACH", "LOAD/INSTALL"…), or "" when the text holds
	// several statements or DuckDB refused a file access.
	Kind string
	// Statements is how many statements the text holds when it is more than one.
	Statements bool
	// Err is DuckDB's own error, when DuckDB refused.
	Err error
}

func (e *QueryError) Error() string {
	switch {
	case e.Err != nil:
		return fmt.Sprintf("refused: queries here read the warehouse only, with file and network access off (%v)", e.Err)
	case e.Statements:
		return "refused: give one query at a time (the text holds several statements)"
	}
	return fmt.Sprintf("refused the %s statement: only queries (SELECT, WITH, FROM, VALUES, SHOW, DESCRIBE, SUMMARIZE) run here, against the warehouse opened read-only", e.Kind)
}

// Unwrap returns ErrNotQuery or ErrNoFileAccess, and DuckDB's error.
func (e *QueryError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrNoFileAccess, e.Err}
	}
	return []error{ErrNotQuery}
}

// ErrNoExtension means a query needs a DuckDB extension that is not built in; Cornerstone never
// installs or loads one at run time (see ExtensionError).
var ErrNoExtension = errors.New("DuckDB extension not available")

// ExtensionError reports a query that needs the DuckDB extension Name, which is not built into
// Cornerstone: with automatic installation off, DuckDB fails instead of downloading it. It matches
// ErrNoExtension.
type ExtensionError struct {
	Name string
	Err  error
}

func (e *ExtensionError) Error() string {
	return fmt.Sprintf("the query needs the DuckDB extension %q, which is not built into Cornerstone; extensions are never downloaded or loaded at run time", e.Name)
}

// Unwrap returns ErrNoExtension and DuckDB's error.
func (e *ExtensionError) Unwrap() []error { return []error{ErrNoExtension, e.Err} }
