package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// bigGrants writes a synthetic 360Giving CSV of n grants (the demo file's columns, its rows
// repeated with fresh identifiers) and returns its path.
func bigGrants(t *testing.T, dir, name string, n int) string {
	t.Helper()
	s, err := demo.Generate()
	if err != nil {
		t.Fatal(err)
	}
	f, ok := s.Find("ace_grants_2024-25.csv")
	if !ok {
		t.Fatal("the demo sample has no ace_grants_2024-25.csv")
	}
	lines := strings.Split(strings.TrimSpace(string(f.Body)), "\n")
	head, rows := lines[0], lines[1:]
	var b bytes.Buffer
	b.WriteString(head + "\n")
	for i := range n {
		r := rows[i%len(rows)]
		_, rest, _ := strings.Cut(r, ",")
		fmt.Fprintf(&b, "360G-SYN-%08d,%s\n", i, rest)
	}
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Must show 2: kill -9 during a large load, then the next run completes and its row counts equal a
// clean run's; the warehouse opens after the crash (DuckDB's WAL is replayed or discarded) and the
// lock file left behind does not block.
func TestKill9DuringLoad(t *testing.T) {
	bin := binary(t)
	root := t.TempDir()
	const rows = 150_000
	big := bigGrants(t, root, "synthetic_grants_2025-03-31.csv", rows)
	small := bigGrants(t, root, "small_grants_2024-04-01.csv", 30)
	cfg := enabledConfig(t, filepath.Join(root, "c.toml"), "http://127.0.0.1:1", []string{"threesixtygiving"}, "")
	ingest := func(dir, from string) *exec.Cmd {
		return exec.Command(bin, "ingest", "threesixtygiving", "--from", from, "--no-build", "--config", cfg,
			"--db", filepath.Join(dir, "w.duckdb"), "--data", filepath.Join(dir, "data"))
	}
	mustRun := func(cmd *exec.Cmd) time.Duration {
		t.Helper()
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, out)
		}
		return time.Since(start)
	}

	// A clean run: the small file, then the big one.
	cleanDir := filepath.Join(root, "clean")
	mustRun(ingest(cleanDir, small))
	took := mustRun(ingest(cleanDir, big))
	clean := rowCounts(dataStats(t, filepath.Join(cleanDir, "w.duckdb")))
	if !strings.Contains(clean, fmt.Sprintf("raw.threesixtygiving_grants %d", rows+30)) {
		t.Fatalf("the clean run did not load every grant:\n%s", clean)
	}
	t.Logf("a clean load of %d grants took %v", rows, took)

	// The crash: kill -9 once the file has landed in the landing zone and the load is under way
	// (a third of the clean load's time later).
	dir := filepath.Join(root, "crash")
	db := filepath.Join(dir, "w.duckdb")
	mustRun(ingest(dir, small))
	before := dataStats(t, db)
	var stderr lockedBuffer
	cmd := ingest(dir, big)
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	landed := filepath.Join(dir, "data", "threesixtygiving", "*", "synthetic_grants_2025-03-31.csv")
	for time.Now().Before(deadline) {
		if m, _ := filepath.Glob(landed); len(m) > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(took / 3)
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the load finished before the kill (%v):\n%s", err, stderr.String())
	}
	t.Logf("killed; its stderr:\n%s", stderr.String())
	if strings.Contains(stderr.String(), "loaded "+fmt.Sprint(rows)) {
		t.Fatalf("the load had committed before the kill: choose a bigger file")
	}
	// The stale lock: its file still names the dead process, and nobody holds the flock.
	if b, err := os.ReadFile(warehouse.LockPath(db)); err != nil || !bytes.Contains(b, []byte(fmt.Sprintf(`"pid":%d`, cmd.Process.Pid))) {
		t.Errorf("the lock file after kill -9: %q %v", b, err)
	}
	if _, held := warehouse.ReadHolder(db); held {
		t.Errorf("the dead process still holds the lock")
	}
	// Nothing of the killed load is visible.
	if after := dataStats(t, db); after != before {
		t.Errorf("the killed load left data behind:\n%s\n%s", before, after)
	}
	// The next run completes, and every table's row count equals the clean run's.
	mustRun(ingest(dir, big))
	if got := rowCounts(dataStats(t, db)); got != clean {
		t.Errorf("after the crash and a re-run:\n%s\nclean run:\n%s", got, clean)
	}
	out, err := exec.Command(bin, "runs", "--db", db, "--format", "json", "--limit", "3").CombinedOutput()
	if err != nil {
		t.Fatalf("runs: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), `"status": "interrupted"`) {
		t.Errorf("the killed run is not recorded as interrupted:\n%s", out)
	}
}
