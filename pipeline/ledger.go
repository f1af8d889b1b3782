package pipeline

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

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
// (kill -9) are marked interrupted first, so the history never shows a ghost run; a run whose end
// its own process could not write (Finish failed: a full disk) is marked failed, with that error.
//
// The write is not cancelled with ctx: a COMMIT interrupted by a stop may still have committed,
// leaving a run that no Finish would ever end. The caller sees ctx's cancellation next and
// finishes the run as interrupted.
func (l Ledger) Start(ctx context.Context, command string) (int64, error) {
	host, _ := os.Hostname()
	var id int64
	ctx = context.WithoutCancel(ctx)
	var left unrecorded
	_ = json.Unmarshal([]byte(l.DB.PreviousNote()), &left)
	err := l.DB.Update(ctx, func(tx *warehouse.Tx) error {
		if left.RunID > 0 {
			if _, err := tx.Exec(ctx, `UPDATE meta.runs SET status = ?, error = ? WHERE run_id = ? AND status = ?`,
				RunFailed, left.Error, left.RunID, RunRunning); err != nil {
				return err
			}
		}
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
	if left.RunID > 0 {
		_ = l.DB.LeaveNote("") // recorded
	}
	return id, nil
}

// unrecorded is the note Finish leaves in the writer lock file when it cannot write the run's end
// (a full disk): the next Start records the run as failed with this error, where it would
// otherwise take the run left "running" for a process that died.
type unrecorded struct {
	RunID int64  `json:"run_id"`
	Error string `json:"error"`
}

// Finish records the end of run id with the report (nil when the run did not get as far as a
// graph) and the error that ended it, if any.
func (l Ledger) Finish(ctx context.Context, id int64, rep *Report, runErr error, interrupted bool) error {
	status := RunOK
	var ok, failed, skipped int
	var summary any
	if rep != nil {
		ok, failed, skipped = rep.Counts()
		b, _ := json.Marshal(rep.Results)
		summary = string(b)
		if rep.Failed() {
			status = RunFailed
		}
	}
	var errText any
	if runErr != nil {
		status = RunFailed
		errText = runErr.Error()
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
		err = fmt.Errorf("recording run end: %w", err)
		msg := err.Error()
		if runErr != nil {
			msg = runErr.Error() + "; " + msg
		}
		if len(msg) > 1000 {
			msg = msg[:1000] + "…"
		}
		note, _ := json.Marshal(unrecorded{RunID: id, Error: msg})
		_ = l.DB.LeaveNote(string(note))
		return err
	}
	return nil
}
