package warehouse

import (
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func fileHash(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// ReadQuery on a QueryOnly warehouse runs queries and refuses everything else, each with its own
// message, and the warehouse file is the same afterwards.
func TestReadQueryRefusesAllButQueries(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "w.duckdb")
	db, err := Open(ctx, Options{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `CREATE TABLE core.t AS SELECT 1 AS a`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	beside := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(beside, []byte("private"), 0o600); err != nil {
		t.Fatal(err)
	}
	before := fileHash(t, path)

	db, err = Open(ctx, Options{Path: path, QueryOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"SELECT a FROM core.t", "FROM core.t", "WITH x AS (SELECT 2) SELECT * FROM x", "SHOW ALL TABLES", "DESCRIBE core.t", "VALUES (1)"} {
		rows, err := db.ReadQuery(ctx, q)
		if err != nil {
			t.Errorf("%s: %v", q, err)
			continue
		}
		if !rows.Next() {
			t.Errorf("%s: no rows", q)
		}
		rows.Close()
	}
	for q, want := range map[string]error{
		"COPY (SELECT 1) TO '" + path + "' (FORMAT csv)":          nil, // either refusal
		"COPY core.t TO '" + filepath.Join(dir, "out.csv") + "'":  nil,
		"SELECT * FROM read_text('/etc/hostname')":                ErrNoFileAccess,
		"SELECT * FROM read_text('" + beside + "')":               ErrNoFileAccess,
		"SELECT * FROM read_csv('https://example.invalid/x.csv')": ErrNoFileAccess,
		"EXPORT DATABASE '" + filepath.Join(dir, "export") + "'":  ErrNoFileAccess,
		"ATTACH '" + filepath.Join(dir, "other.duckdb") + "'":     ErrNotQuery,
		"INSTALL spatial":                      ErrNotQuery,
		"LOAD spatial":                         ErrNotQuery,
		"SET threads = 1":                      ErrNotQuery,
		"SET enable_external_access = true":    ErrNotQuery,
		"PRAGMA enable_profiling":              ErrNotQuery,
		"CALL duckdb_tables()":                 ErrNotQuery,
		"CREATE TEMP TABLE x AS SELECT 1":      ErrNotQuery,
		"DELETE FROM core.t":                   ErrNotQuery,
		"CHECKPOINT":                           ErrNotQuery,
		"SELECT 1; COPY (SELECT 1) TO 'x.csv'": ErrNotQuery,
	} {
		rows, err := db.ReadQuery(ctx, q)
		if err == nil {
			rows.Close()
			t.Errorf("%s: ran", q)
			continue
		}
		var qe *QueryError
		if want != nil && !errors.Is(err, want) || !errors.As(err, &qe) || !strings.HasPrefix(err.Error(), "refused") {
			t.Errorf("%s: %v, want a *QueryError matching %v", q, err, want)
		}
	}
	db.Close()
	if after := fileHash(t, path); after != before {
		t.Error("the warehouse file changed")
	}
	for _, name := range []string{"out.csv", "export", "other.duckdb"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s was written", name)
		}
	}
}

// No connection installs or loads an extension at run time: a query needing one that is not built
// in fails at once, offline, naming it.
func TestQueryNeedingAnExtensionFailsWithoutDownloading(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for q, ext := range map[string]string{
		"SELECT * FROM sqlite_scan('x.db', 'y')":                  "sqlite_scanner",
		"SELECT * FROM read_xlsx('x.xlsx')":                       "excel",
		"SELECT ST_Point(1, 2)":                                   "spatial",
		"SELECT * FROM read_csv('https://example.invalid/x.csv')": "httpfs",
	} {
		start := time.Now()
		rows, err := db.Query(ctx, q)
		if err == nil {
			rows.Close()
			t.Errorf("%s: ran", q)
			continue
		}
		var ee *ExtensionError
		if !errors.As(err, &ee) || ee.Name != ext || !errors.Is(err, ErrNoExtension) {
			t.Errorf("%s: %v, want an *ExtensionError naming %s", q, err, ext)
		}
		if d := time.Since(start); d > 30*time.Second {
			t.Errorf("%s took %s: it tried the network", q, d)
		}
	}
	var auto string
	if err := db.QueryRow(ctx, `SELECT current_setting('autoinstall_known_extensions') || ' ' || current_setting('autoload_known_extensions')`).Scan(&auto); err != nil || auto != "false false" {
		t.Errorf("autoinstall and autoload: %q (%v)", auto, err)
	}
}

// A thread count above the number of cores is lowered to it.
func TestThreadsBoundedByCores(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Options{Threads: 3000})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(ctx, `SELECT current_setting('threads')::INT`).Scan(&n); err != nil || n != runtime.NumCPU() {
		t.Errorf("threads = %d (%v), want %d", n, err, runtime.NumCPU())
	}
}
