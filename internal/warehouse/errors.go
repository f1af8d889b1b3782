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
