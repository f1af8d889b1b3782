package retention_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline/retention"
	"github.com/cornerstone-data/cornerstone/sources/landing"
)

// land puts a file with body into the zone as retrieved at t and returns its hash.
func land(t *testing.T, z *landing.Zone, body string, at time.Time) string {
	t.Helper()
	sum := sha256.Sum256([]byte(body))
	sha := hex.EncodeToString(sum[:])
	tmp := filepath.Join(z.TempDir(), "x")
	if err := os.WriteFile(tmp, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := z.Land(tmp, landing.Provenance{Source: "ons-population", Filename: "f.csv", SHA256: sha, Size: int64(len(body)), RetrievedAt: at}); err != nil {
		t.Fatal(err)
	}
	return sha
}

func TestPolicyKeepsHeldReleasesAndDeletesTheRest(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := warehouse.Open(ctx, warehouse.Options{Path: filepath.Join(dir, "w.duckdb")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	z, err := landing.New(filepath.Join(dir, "data"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	old := now.AddDate(0, 0, -100)
	held := land(t, z, "held,1\n", old)                    // behind a release still held: kept however old
	superseded := land(t, z, "old,1\n", old)               // no release refers to it, old: deleted
	recent := land(t, z, "new,1\n", now.AddDate(0, 0, -5)) // no release refers to it, recent: kept
	abandoned := filepath.Join(z.TempDir(), "download-1")
	os.WriteFile(abandoned, []byte("partial"), 0o644)
	os.Chtimes(abandoned, old, old)

	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO meta.releases (source, dataset, vintage, sha256, files, load_id) VALUES ('ons-population', 'd', 'v', ?, ?, 2)`,
		held, fmt.Sprintf(`[{"name":"f.csv","sha256":%q}]`, held))
	exec(`INSERT INTO meta.files (source, sha256, filename, path) VALUES ('ons-population', ?, 'f.csv', 'x'), ('ons-population', ?, 'f.csv', 'y')`, held, superseded)
	// Runs 1 (old, only a failed load) and 2 (old, loaded the held release) and 3 (recent).
	exec(`INSERT INTO meta.runs (run_id, command, started_at, status) VALUES (1, 'run', ?, 'failed'), (2, 'run', ?, 'ok'), (3, 'run', ?, 'ok')`, old, old, now)
	exec(`INSERT INTO meta.loads (load_id, run_id, source, started_at, status) VALUES (1, 1, 'ons-population', ?, 'failed'),
		(2, 2, 'ons-population', ?, 'loaded'), (3, 3, 'ons-population', ?, 'unchanged')`, old, old, now)
	exec(`INSERT INTO meta.test_results (run_id, test_id, model, kind, severity, status, checked_at) VALUES
		(1, 't', 'm', 'k', 'error', 'pass', ?), (2, 't', 'm', 'k', 'error', 'pass', ?), (3, 't', 'm', 'k', 'error', 'pass', ?)`, old, old, now)

	off, err := retention.Make(ctx, db, z, config.Retention{}, now)
	if err != nil || !off.Empty() {
		t.Fatalf("a policy with no days must delete nothing: %+v %v", off, err)
	}
	p, err := retention.Make(ctx, db, z, config.Retention{RawDays: 30, LedgerDays: 30}, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Files) != 1 || p.Files[0].SHA256 != superseded || len(p.Temp) != 1 || p.Runs != 1 || p.Loads != 1 || p.Tests != 1 {
		t.Fatalf("plan: %s %+v", p.Summary(), p)
	}
	if err := p.Apply(ctx, db); err != nil {
		t.Fatal(err)
	}
	for sha, want := range map[string]bool{held: true, superseded: false, recent: true} {
		if _, err := z.Lookup("ons-population", sha); (err == nil) != want {
			t.Errorf("%s kept=%v, want %v", sha[:8], err == nil, want)
		}
	}
	if _, err := os.Stat(abandoned); !os.IsNotExist(err) {
		t.Errorf("abandoned download kept")
	}
	var runs, loads, tests, files string
	db.QueryRow(ctx, `SELECT string_agg(run_id::VARCHAR, ',' ORDER BY run_id) FROM meta.runs`).Scan(&runs)
	db.QueryRow(ctx, `SELECT string_agg(load_id::VARCHAR, ',' ORDER BY load_id) FROM meta.loads`).Scan(&loads)
	db.QueryRow(ctx, `SELECT string_agg(run_id::VARCHAR, ',' ORDER BY run_id) FROM meta.test_results`).Scan(&tests)
	db.QueryRow(ctx, `SELECT string_agg(sha256, ',') FROM meta.files`).Scan(&files)
	if runs != "2,3" || loads != "2,3" || tests != "2,3" || files != held {
		t.Errorf("after: runs %s loads %s tests %s files %s", runs, loads, tests, files)
	}
}
