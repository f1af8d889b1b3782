package pipeline_test

import (
	"context"
	"errors"
	"path/filepath"
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
