package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/safetext"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// Ledger records runs in meta.runs.
type Ledger struct {
	DB *warehouse.DB
}

// Run statuses in meta.runs.
const (
	RunRunning     = "running"
	RunOK          = "ok"
	RunFailed      = "failed"
	RunInterrupted = "interrupted"
)

// Start records a new running run and returns its id. Runs left "running" by a process that died
// (kill -9) are marked interrupted first, so the history never shows a ghost run.
//
// The write is not cancelled with ctx: a COMMIT interrupted by a stop may still have committed,
// leaving a run that no Finish would ever end. The caller sees ctx's cancellation next and
// finishes the run as interrupted.
func (l Ledger) Start(ctx context.Context, command string) (int64, error) {
	host, _ := os.Hostname()
	var id int64
	ctx = context.WithoutCancel(ctx)
	err := l.DB.Update(ctx, func(tx *warehouse.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE meta.runs SET status = ?, error = 'the process ended before the run finished'
			WHERE status = ?`, RunInterrupted, RunRunning); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT nextval('meta.run_id_seq')`).Scan(&id); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO meta.runs (run_id, command, started_at, status, pid, host) VALUES (?, ?, ?, ?, ?, ?)`,
			id, command, time.Now().UTC(), RunRunning, os.Getpid(), host)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("recording run start: %w", err)
	}
	return id, nil
}

// StepErrorMax bounds a step's error and detail as meta.runs.summary keeps them: the messages quote
// files and cells, and a hostile file must not bloat the ledger (the whole message is on stderr).
const StepErrorMax = 1500

// summaryJSON encodes the step results for meta.runs.summary, each step's error and detail clipped
// to StepErrorMax bytes.
func summaryJSON(results []StepResult) string {
	clipped := make([]StepResult, len(results))
	for i, r := range results {
		r.Error, r.Detail = safetext.Clip(r.Error, StepErrorMax), safetext.Clip(r.Detail, StepErrorMax)
		clipped[i] = r
	}
	b, _ := json.Marshal(clipped)
	return string(b)
}

// Finish records the end of run id with the report (nil when the run did not get as far as a
// graph) and the error that ended it, if any.
func (l Ledger) Finish(ctx context.Context, id int64, rep *Report, runErr error, interrupted bool) error {
	status := RunOK
	var ok, failed, skipped int
	var summary any
	if rep != nil {
		ok, failed, skipped = rep.Counts()
		summary = summaryJSON(rep.Results)
		if rep.Failed() {
			status = RunFailed
		}
	}
	var errText any
	if runErr != nil {
		status = RunFailed
		errText = safetext.Field(runErr.Error())
	}
	if interrupted {
		status = RunInterrupted
	}
	ctx = context.WithoutCancel(ctx) // the ledger is written even when the run was cancelled
	err := l.DB.Update(ctx, func(tx *warehouse.Tx) error {
		_, err := tx.Exec(ctx, `UPDATE meta.runs SET finished_at = ?, status = ?, steps_ok = ?, steps_failed = ?,
			steps_skipped = ?, summary = ?, error = ? WHERE run_id = ?`,
			time.Now().UTC(), status, ok, failed, skipped, summary, errText, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("recording run end: %w", err)
	}
	return nil
}
