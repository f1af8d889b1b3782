package pipeline_test

import (
	"context"
	"errors"
	"fmt"
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

// Runs reads back what Start and Finish wrote, newest first, with the run's steps from the summary
// and its load attempts from meta.loads (notes decoded), and a running run without an end.
func TestLedgerRunsReadsBackRunsAndLoads(t *testing.T) {
	ctx := context.Background()
	db, err := warehouse.Open(ctx, warehouse.Options{Path: filepath.Join(t.TempDir(), "w.duckdb"), Command: "test"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	l := pipeline.Ledger{DB: db}
	first, err := l.Start(ctx, "cornerstone ingest ons-population")
	if err != nil {
		t.Fatal(err)
	}
	rep := &pipeline.Report{Results: []pipeline.StepResult{
		{ID: "ingest:ons-population", State: pipeline.StateOK, Status: "loaded"},
		{ID: "model:core.population", State: pipeline.StateFailed, Error: "test unique failed"},
	}}
	if err := l.Finish(ctx, first, rep, nil, false); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO meta.loads (load_id, run_id, source, dataset, vintage, rows, started_at, status, reason, error, notes)
		VALUES (7, ?, 'ons-population', 'mye2', 'mid-2024', 12, now(), 'failed', 'layout', 'no header', '["a note"]')`, first); err != nil {
		t.Fatal(err)
	}
	second, err := l.Start(ctx, "cornerstone build")
	if err != nil {
		t.Fatal(err)
	}
	runs, err := l.Runs(ctx, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].RunID != second || runs[1].RunID != first {
		t.Fatalf("runs %+v; want %d then %d", runs, second, first)
	}
	if r := runs[0]; r.Status != pipeline.RunRunning || r.Finished != nil || len(r.Steps) != 0 || len(r.Loads) != 0 {
		t.Errorf("running run: %+v", r)
	}
	r := runs[1]
	if r.Status != pipeline.RunFailed || r.Finished == nil || r.OK != 1 || r.Failed != 1 || len(r.Steps) != 2 ||
		r.Steps[1].ID != "model:core.population" || r.Steps[1].Error != "test unique failed" {
		t.Errorf("finished run: %+v", r)
	}
	want := pipeline.LoadRecord{LoadID: 7, Source: "ons-population", Dataset: "mye2", Vintage: "mid-2024", Status: "failed",
		Rows: 12, Reason: "layout", Error: "no header", Notes: []string{"a note"}}
	if len(r.Loads) != 1 || fmt.Sprint(r.Loads[0]) != fmt.Sprint(want) {
		t.Errorf("loads %+v; want %+v", r.Loads, want)
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
