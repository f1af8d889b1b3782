package warehouse

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestExportParquetIsReadOnlyAndReproducible(t *testing.T) {
	ctx := context.Background()
	db, path := openTemp(t)
	if _, err := db.Exec(ctx, `CREATE TABLE marts.t AS SELECT i AS id, 'row ' || i AS label, i / 3.0 AS v FROM range(5000) r(i) ORDER BY random()`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro, err := Open(ctx, Options{Path: path, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.parquet"), filepath.Join(dir, "b's.parquet")
	for _, p := range []string{a, b} {
		if err := ro.ExportParquet(ctx, "marts", "t", p); err != nil {
			t.Fatal(err)
		}
	}
	ab, _ := os.ReadFile(a)
	bb, _ := os.ReadFile(b)
	if len(ab) == 0 || !bytes.Equal(ab, bb) {
		t.Fatalf("two exports differ (%d and %d bytes)", len(ab), len(bb))
	}
	var n int
	var first int64
	if err := ro.QueryRow(ctx, `SELECT count(*), first(id) FROM read_parquet(?)`, a).Scan(&n, &first); err != nil {
		t.Fatal(err)
	}
	if n != 5000 || first != 0 {
		t.Fatalf("read back %d rows starting at %d", n, first)
	}
	if err := ro.ExportParquet(ctx, "marts", "t; DROP", a); !errors.Is(err, ErrBadIdentifier) {
		t.Fatalf("bad table name: %v", err)
	}
}
