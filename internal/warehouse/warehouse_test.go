package warehouse

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func openTemp(t *testing.T) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	db, err := Open(context.Background(), Options{Path: path, Command: "test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

var people = Table{Schema: "raw", Name: "people", Columns: []Column{{Name: "name", Type: "VARCHAR"}, {Name: "n", Type: "BIGINT"}}}

func TestUpdateRollsBackOnError(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	if err := db.Update(ctx, func(tx *Tx) error { return tx.EnsureTable(ctx, people) }); err != nil {
		t.Fatal(err)
	}
	before, err := db.TableStats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err = db.Update(ctx, func(tx *Tx) error {
		a, err := tx.Appender(ctx, "raw", "people", nil)
		if err != nil {
			return err
		}
		for i := range 1000 {
			if err := a.Append("x", int64(i)); err != nil {
				return err
			}
		}
		if err := a.Close(); err != nil {
			return err
		}
		n, err := tx.Count(ctx, "raw", "people")
		if err != nil || n != 1000 {
			t.Errorf("inside tx: %d rows, %v", n, err)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
	after, _ := db.TableStats(ctx)
	if len(before) != len(after) {
		t.Fatalf("tables changed: %v vs %v", before, after)
	}
	for i := range before {
		if before[i] != after[i] {
			t.Errorf("%s.%s changed: %+v -> %+v", before[i].Schema, before[i].Table, before[i], after[i])
		}
	}
}

func TestUpdateRollsBackOnPanic(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	_ = db.Update(ctx, func(tx *Tx) error { return tx.EnsureTable(ctx, people) })
	func() {
		defer func() { _ = recover() }()
		_ = db.Update(ctx, func(tx *Tx) error {
			_, _ = tx.Exec(ctx, `INSERT INTO raw.people VALUES ('a', 1)`)
			panic("bad")
		})
	}()
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM raw.people`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("rows after panic = %d, %v", n, err)
	}
}

func TestEnsureTableEvolves(t *testing.T) {
	ctx := context.Background()
	db, _ := openTemp(t)
	_ = db.Update(ctx, func(tx *Tx) error { return tx.EnsureTable(ctx, people) })
	wider := people
	wider.Columns = append(append([]Column{}, people.Columns...), Column{Name: "extra", Type: "DOUBLE"})
	if err := db.Update(ctx, func(tx *Tx) error { return tx.EnsureTable(ctx, wider) }); err != nil {
		t.Fatal(err)
	}
	changed := Table{Schema: "raw", Name: "people", Columns: []Column{{Name: "n", Type: "VARCHAR"}}}
	err := db.Update(ctx, func(tx *Tx) error { return tx.EnsureTable(ctx, changed) })
	if !errors.Is(err, ErrSchemaMismatch) {
		t.Fatalf("err = %v, want ErrSchemaMismatch", err)
	}
	bad := Table{Schema: "raw", Name: `x"; drop table raw.people; --`}
	if err := db.Update(ctx, func(tx *Tx) error { return tx.EnsureTable(ctx, bad) }); !errors.Is(err, ErrBadIdentifier) {
		t.Fatalf("err = %v, want ErrBadIdentifier", err)
	}
}

// Options.Tables are created empty when the warehouse is migrated; one that exists is left as it
// is (its rows kept, a changed declaration not applied: that is the load's EnsureTable's job).
func TestOpenCreatesDeclaredTables(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.duckdb")
	open := func(tables ...Table) *DB {
		t.Helper()
		db, err := Open(ctx, Options{Path: path, Command: "test", Tables: tables})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	db := open(people)
	if _, err := db.Exec(ctx, `INSERT INTO raw.people VALUES ('Ada', 1)`); err != nil {
		t.Fatalf("people not created: %v", err)
	}
	db.Close()
	changed := Table{Schema: "raw", Name: "people", Columns: []Column{{Name: "n", Type: "VARCHAR"}}}
	places := Table{Schema: "raw", Name: "places", Columns: []Column{{Name: "name", Type: "VARCHAR"}}}
	db = open(changed, places)
	defer db.Close()
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM raw.people WHERE name = 'Ada' AND n = 1`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("people after a second open: %d rows (%v); want Ada kept", n, err)
	}
	if err := db.QueryRow(ctx, `SELECT count(*) FROM raw.places`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("places: %d rows (%v); want created empty", n, err)
	}
}

func TestIdent(t *testing.T) {
	if got := Ident(`a"b`); got != `"a""b"` {
		t.Fatal(got)
	}
	if got := Literal(`it's`); got != `'it''s'` {
		t.Fatal(got)
	}
}

// TestSecondWriterAndReaderAreTold runs a second process against a held warehouse.
func TestSecondWriterAndReaderAreTold(t *testing.T) {
	if os.Getenv("WAREHOUSE_HELPER") != "" {
		ctx := context.Background()
		_, err := Open(ctx, Options{Path: os.Getenv("WAREHOUSE_HELPER"), ReadOnly: os.Getenv("WAREHOUSE_RO") != ""})
		var be *BusyError
		if !errors.As(err, &be) || !errors.Is(err, ErrBusy) {
			t.Fatalf("err = %v, want BusyError", err)
		}
		if be.Holder.Command != "test" || be.Holder.PID == 0 {
			t.Fatalf("holder = %+v", be.Holder)
		}
		return
	}
	_, path := openTemp(t)
	for _, ro := range []string{"", "1"} {
		cmd := exec.Command(os.Args[0], "-test.run=TestSecondWriterAndReaderAreTold", "-test.v")
		cmd.Env = append(os.Environ(), "WAREHOUSE_HELPER="+path, "WAREHOUSE_RO="+ro)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("read-only=%q: %v\n%s", ro, err, out)
		}
	}
}

func TestReadOnlyMissing(t *testing.T) {
	_, err := Open(context.Background(), Options{Path: filepath.Join(t.TempDir(), "none.duckdb"), ReadOnly: true})
	if !errors.Is(err, ErrNoWarehouse) {
		t.Fatalf("err = %v", err)
	}
}

func TestOpenRefusesPathsDuckDBCannotCarry(t *testing.T) {
	for _, name := range []string{"50%.duckdb", "what?.duckdb"} {
		_, err := Open(context.Background(), Options{Path: filepath.Join(t.TempDir(), name)})
		if !errors.Is(err, ErrBadPath) || !strings.Contains(err.Error(), name) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
