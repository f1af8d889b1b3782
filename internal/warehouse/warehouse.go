// Package warehouse is Cornerstone's embedded DuckDB warehouse and the only package that imports the
// DuckDB driver.
//
// A warehouse has four schemas: raw (rows as loaded from publishers' files, with lineage columns),
// core (tested, cleaned tables built by SQL models), marts (KPIs and benchmarks) and meta (the run
// ledger: runs, loads, files, releases, tests). Writers take the single-writer lock beside the file
// (PATH.lock); readers open the file read-only and get a *BusyError while a writer holds it. Every
// change goes through Update, which runs in one transaction: a failure leaves every table as it was.
package warehouse

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"

	duckdb "github.com/duckdb/duckdb-go/v2"
)

// Options says which warehouse to open and how.
type Options struct {
	// Path is the database file; "" or ":memory:" opens an in-memory warehouse (tests).
	Path string
	// ReadOnly opens without the writer lock; writes fail.
	ReadOnly bool
	// QueryOnly opens for a person's own queries (ReadQuery): read-only, and DuckDB may open no
	// file but the database itself (enable_external_access=false: no COPY, ATTACH, INSTALL, LOAD,
	// read_csv or read_text of another file, no URL), with its configuration locked so that a
	// query cannot turn that back on.
	QueryOnly bool
	// Command names the writer in the lock file ("cornerstone ingest ons-population").
	Command string
	// MemoryLimit caps DuckDB's memory ("1GB"); empty keeps DuckDB's default.
	MemoryLimit string
	// Threads caps DuckDB's worker threads; 0 keeps DuckDB's default (one per core), and a
	// value above the number of cores is lowered to it (more threads than cores only contend).
	Threads int
	// TempDir is where DuckDB spills; empty keeps DuckDB's default (beside the database).
	TempDir string
	// Tables are created, empty, when a read-write open migrates the warehouse and they do not
	// exist yet (the raw tables of every registered source). A table that exists is left as it
	// is: a load widens its own tables (Tx.EnsureTable) and reports a changed column type there.
	Tables []Table
}

// DB is an open warehouse. It is safe for concurrent use; Close releases the file and the lock.
type DB struct {
	sql      *sql.DB
	conn     *duckdb.Connector
	path     string
	readOnly bool
	lock     *Lock
}

// Open opens the warehouse. A read-write open takes the writer lock (a *BusyError if another process
// holds it), creates the file and its schemas when missing and applies migrations. A read-only open
// returns ErrNoWarehouse when the file does not exist and a *BusyError when a writer holds it.
func Open(ctx context.Context, opts Options) (*DB, error) {
	mem := opts.Path == "" || opts.Path == ":memory:"
	db := &DB{path: opts.Path, readOnly: (opts.ReadOnly || opts.QueryOnly) && !mem}
	if !mem {
		abs, err := filepath.Abs(opts.Path)
		if err != nil {
			return nil, fmt.Errorf("opening warehouse %s: %w", opts.Path, err)
		}
		db.path = abs
		if strings.ContainsAny(abs, "?%") {
			return nil, fmt.Errorf("opening warehouse %s: %w", opts.Path, ErrBadPath)
		}
		if db.readOnly {
			if _, err := os.Stat(abs); errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("opening warehouse %s: %w: run `cornerstone demo` or `cornerstone run` first", opts.Path, ErrNoWarehouse)
			}
		} else {
			if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
				return nil, fmt.Errorf("opening warehouse %s: %w", opts.Path, err)
			}
			l, err := AcquireLock(abs, opts.Command)
			if err != nil {
				return nil, err
			}
			db.lock = l
		}
	}
	dsn := ""
	if !mem {
		dsn = db.path
	}
	dsn += "?" + connectionSettings(opts, db.readOnly).Encode()
	connector, err := duckdb.NewConnector(dsn, nil)
	if err != nil {
		db.lock.Release()
		return nil, db.openError(err)
	}
	db.conn = connector
	db.sql = sql.OpenDB(connector)
	if err := db.sql.PingContext(ctx); err != nil {
		db.Close()
		return nil, db.openError(err)
	}
	if !db.readOnly {
		if err := db.migrate(ctx, opts.Tables); err != nil {
			db.Close()
			return nil, fmt.Errorf("opening warehouse %s: %w", opts.Path, err)
		}
	}
	return db, nil
}

// connectionSettings are DuckDB's settings for the connection string. Extensions are never
// installed or loaded behind a query's back: DuckDB's statically linked ones (core_functions, icu,
// json, parquet) are all Cornerstone uses, and a query that needs another fails at once with a
// *ExtensionError instead of downloading it from extensions.duckdb.org.
func connectionSettings(opts Options, readOnly bool) url.Values {
	q := url.Values{}
	q.Set("autoinstall_known_extensions", "false")
	q.Set("autoload_known_extensions", "false")
	q.Set("allow_community_extensions", "false")
	if readOnly {
		q.Set("access_mode", "READ_ONLY")
	}
	if opts.MemoryLimit != "" {
		q.Set("memory_limit", opts.MemoryLimit)
	}
	if opts.Threads > 0 {
		q.Set("threads", strconv.Itoa(min(opts.Threads, runtime.NumCPU())))
	}
	if opts.TempDir != "" {
		q.Set("temp_directory", opts.TempDir)
	}
	if opts.QueryOnly {
		q.Set("enable_external_access", "false")
		q.Set("lock_configuration", "true")
	}
	return q
}

// duckLockRe finds the process holding DuckDB's file lock in its error message.
var duckLockRe = regexp.MustCompile(`Could not set lock on file.*\(PID (\d+)\)`)

// openError turns DuckDB's file-lock failure into a *BusyError naming the writer.
func (db *DB) openError(err error) error {
	var de *duckdb.Error
	if errors.As(err, &de) && de.Type == duckdb.ErrorTypeIO {
		if h, held := ReadHolder(db.path); held {
			return &BusyError{Path: db.path, Holder: h, Writer: !db.readOnly, Err: err}
		}
		// No writer holds the lock file, but DuckDB's own file lock is taken: a reader (`sql`,
		// `report`, a BI tool) has the file open, and DuckDB lets no writer in meanwhile.
		if m := duckLockRe.FindStringSubmatch(err.Error()); m != nil {
			pid, _ := strconv.Atoi(m[1])
			return &BusyError{Path: db.path, Holder: Holder{PID: pid, Command: "reading"}, Writer: !db.readOnly, Err: err}
		}
	}
	return fmt.Errorf("opening warehouse %s: %w", db.path, err)
}

// Path returns the absolute database path ("" for in-memory).
func (db *DB) Path() string { return db.path }

// ReadOnly reports whether the warehouse was opened read-only.
func (db *DB) ReadOnly() bool { return db.readOnly }

// Close closes the database and releases the writer lock.
func (db *DB) Close() error {
	var err error
	if db.sql != nil {
		err = db.sql.Close()
	}
	if db.conn != nil {
		if cerr := db.conn.Close(); err == nil {
			err = cerr
		}
	}
	if lerr := db.lock.Release(); err == nil {
		err = lerr
	}
	return err
}

// Query runs a read query outside any transaction. The caller closes the rows. A query that needs
// a DuckDB extension that is not built in fails with an *ExtensionError.
func (db *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := db.sql.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, queryError(err)
	}
	return rows, nil
}

// QueryRow runs a query expected to return at most one row.
func (db *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return db.sql.QueryRowContext(ctx, query, args...)
}

// Exec runs one statement in its own implicit transaction. Prefer Update for anything that must be
// atomic with other statements.
func (db *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if db.readOnly {
		return nil, ErrReadOnly
	}
	return db.sql.ExecContext(ctx, query, args...)
}

// Prepare checks that query parses and binds against the current catalog without running it; the
// error is DuckDB's message.
func (db *DB) Prepare(ctx context.Context, query string) error {
	st, err := db.sql.PrepareContext(ctx, query)
	if err != nil {
		return err
	}
	return st.Close()
}
