package threesixtygiving_test

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/sourcestest"
	"github.com/cornerstone-data/cornerstone/sources/threesixtygiving"
)

// benchGrants is the size of the grants CSV the ingest benchmarks load: 100,000 by default, the
// national 2,000,000 with -grants=2000000 (then -benchtime=1x; the file is cached in -benchdir).
var (
	benchGrants = flag.Int("grants", 100_000, "grants in the 360Giving CSV of the ingest benchmarks")
	benchDir    = flag.String("benchdir", "", "folder caching the benchmarks' grants CSV (default: a temporary folder)")
)

var benchFile struct {
	once sync.Once
	path string
	err  error
}

// benchCSV returns the national-sample grants CSV with -grants rows (written once per process, or
// reused from -benchdir).
func benchCSV(b *testing.B) string {
	b.Helper()
	benchFile.once.Do(func() {
		dir := *benchDir
		if dir == "" {
			dir, benchFile.err = os.MkdirTemp("", "cornerstone-bench-")
			if benchFile.err != nil {
				return
			}
		}
		benchFile.path, _, benchFile.err = demo.NationalGrantsCSV(dir, demo.NationalAreas(), *benchGrants)
	})
	if benchFile.err != nil {
		b.Fatal(benchFile.err)
	}
	return benchFile.path
}

func fileSize(b *testing.B, p string) int64 {
	st, err := os.Stat(p)
	if err != nil {
		b.Fatal(err)
	}
	return st.Size()
}

// BenchmarkReadCSV is the limit: DuckDB's own read_csv of the grants CSV into a table of a fresh
// on-disk warehouse, closed (checkpointed) within the timing.
func BenchmarkReadCSV(b *testing.B) {
	p := benchCSV(b)
	b.SetBytes(fileSize(b, p))
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "w.duckdb")
		b.StartTimer()
		db, err := warehouse.Open(ctx, warehouse.Options{Path: path})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Exec(ctx, "CREATE TABLE grants AS SELECT * FROM read_csv("+warehouse.Literal(p)+")"); err != nil {
			b.Fatal(err)
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIngest360CSV loads the same file through the threesixtygiving source (--from: landing,
// hashing, the streaming reader with its validation, the bulk writer) into a fresh on-disk
// warehouse, closed within the timing. Compare its time per op with BenchmarkReadCSV's.
func BenchmarkIngest360CSV(b *testing.B) {
	p := benchCSV(b)
	b.SetBytes(fileSize(b, p))
	b.ReportMetric(boolMetric(warehouse.ArrowBulk), "arrow")
	for b.Loop() {
		b.StopTimer()
		env := sourcestest.Env(b)
		b.StartTimer()
		res, err := sourcestest.Ingest(b, env, threesixtygiving.Source{}, p, sources.Options{Vintage: "2025-07-01"})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Loads) != 1 || res.Loads[0].Rows != int64(*benchGrants) {
			b.Fatalf("loads %+v, want one of %d rows", res.Loads, *benchGrants)
		}
		if err := env.DB.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func boolMetric(v bool) float64 {
	if v {
		return 1
	}
	return 0
}
