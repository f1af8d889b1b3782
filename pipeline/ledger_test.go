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

// A run whose end cannot be written (here a write-write conflict; in production a full disk) is
// recorded by the next Start as failed, with the error, not as interrupted like a killed process's.
func TestLedgerRunWhoseEndCouldNotBeWrittenIsFailed(t *testing.T) {
	ctx := context.Background()
	db, err := warehouse.Open(ctx, warehouse.Options{Path: filepath.Join(t.TempDir(), "w.duckdb"), Command: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l := pipeline.Ledger{DB: db}
	id, err := l.Start(ctx, "cornerstone ingest x")
	if err != nil {
		t.Fatal(err)
	}
	// Another transaction holds an uncommitted update of the run's row while Finish runs.
	held, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.Update(ctx, func(tx *warehouse.Tx) error {
			if _, err := tx.Exec(ctx, `UPDATE meta.runs SET status = 'elsewhere' WHERE run_id = ?`, id); err != nil {
				return err
			}
			close(held)
			<-release
			return errors.New("rolled back")
		})
	}()
	<-held
	ferr := l.Finish(ctx, id, nil, errors.New("loading x: disk full"), false)
	close(release)
	<-done
	if ferr == nil {
		t.Fatal("Finish succeeded despite the conflicting transaction")
	}
	next, err := l.Start(ctx, "cornerstone ingest y")
	if err != nil {
		t.Fatal(err)
	}
	var status, msg string
	if err := db.QueryRow(ctx, `SELECT status, error FROM meta.runs WHERE run_id = ?`, id).Scan(&status, &msg); err != nil {
		t.Fatal(err)
	}
	if status != pipeline.RunFailed || !strings.Contains(msg, "loading x: disk full") || !strings.Contains(msg, "recording run end") {
		t.Errorf("run %d: %s %q; want failed with both errors", id, status, msg)
	}
	if db.PreviousNote() != "" {
		t.Errorf("the note was not cleared: %q", db.PreviousNote())
	}
	if err := l.Finish(ctx, next, nil, nil, false); err != nil {
		t.Fatal(err)
	}
}
