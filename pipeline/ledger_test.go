package pipeline_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline"
)

// A stop that arrives while the run's start is being recorded still gives a run with an end: Start
// is not cancelled (an interrupted COMMIT may have committed) and Finish records it interrupted.
func TestLedgerStartSurvivesCancel(t *testing.T) {
	ctx := context.Background()
	db, err := warehouse.Open(ctx, warehouse.Options{Path: filepath.Join(t.TempDir(), "w.duckdb"), Command: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l := pipeline.Ledger{DB: db}
	stopped, cancel := context.WithCancel(ctx)
	cancel()
	id, err := l.Start(stopped, "cornerstone run")
	if err != nil {
		t.Fatalf("Start with a cancelled context: %v", err)
	}
	if err := l.Finish(stopped, id, nil, context.Canceled, errors.Is(stopped.Err(), context.Canceled)); err != nil {
		t.Fatal(err)
	}
	var status string
	var ended bool
	if err := db.QueryRow(ctx, `SELECT status, finished_at IS NOT NULL FROM meta.runs WHERE run_id = ?`, id).Scan(&status, &ended); err != nil {
		t.Fatal(err)
	}
	if status != pipeline.RunInterrupted || !ended {
		t.Errorf("run %d: status %q, ended %v; want interrupted with an end", id, status, ended)
	}
}

// A step whose error quotes megabytes of a file leaves meta.runs fields of at most 4 KiB, each
// saying it was clipped.
func TestLedgerClipsLongErrors(t *testing.T) {
	ctx := context.Background()
	db, err := warehouse.Open(ctx, warehouse.Options{Path: filepath.Join(t.TempDir(), "w.duckdb"), Command: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l := pipeline.Ledger{DB: db}
	id, err := l.Start(ctx, "cornerstone ingest local-returns")
	if err != nil {
		t.Fatal(err)
	}
	huge := "bad value " + strings.Repeat(`"x"`, 3<<20)
	rep := &pipeline.Report{Results: []pipeline.StepResult{{ID: "ingest:local-returns", State: pipeline.StateFailed, Error: huge, Err: errors.New(huge)}}}
	if err := l.Finish(ctx, id, rep, errors.New(huge), false); err != nil {
		t.Fatal(err)
	}
	var summary, msg string
	if err := db.QueryRow(ctx, `SELECT summary, error FROM meta.runs WHERE run_id = ?`, id).Scan(&summary, &msg); err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]string{"summary": summary, "error": msg} {
		if len(v) > 4096 || !strings.Contains(v, "clipped") {
			t.Errorf("meta.runs.%s: %d bytes: %.80q…", name, len(v), v)
		}
	}
}
