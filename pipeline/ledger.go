package pipeline

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/safetext"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// Ledger records runs in meta.runs (Start, Finish) and reads them back with the load attempts
// sources.Ingest records in meta.loads (Runs).
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

// RunRecord is one run of meta.runs with its steps and its load attempts, newest first from Runs.
// Its JSON is what `cornerstone runs --format json` prints.
type RunRecord struct {
	RunID    int64        `json:"run_id"`
	Command  string       `json:"command"`
	Started  time.Time    `json:"started_at"`
	Finished *string      `json:"finished_at"` // RFC 3339, nil while running
	Status   string       `json:"status"`
	OK       int          `json:"steps_ok"`
	Failed   int          `json:"steps_failed"`
	Skipped  int          `json:"steps_skipped"`
	Error    string       `json:"error,omitempty"`
	Steps    []StepRecord `json:"steps"`
	Loads    []LoadRecord `json:"loads"`
}

// StepRecord is one step of a run, from the summary Finish recorded.
type StepRecord struct {
	ID     string `json:"id"`
	State  string `json:"state"`
	Status string `json:"status,omitempty"`
	Detail string `json:"detail,omitempty"`
	Error  string `json:"error,omitempty"`
}

// LoadRecord is one load attempt of a run, from meta.loads.
type LoadRecord struct {
	LoadID  int64    `json:"load_id"`
	Source  string   `json:"source"`
	Dataset string   `json:"dataset,omitempty"`
	Vintage string   `json:"vintage,omitempty"`
	Status  string   `json:"status"`
	Rows    int64    `json:"rows"`
	Reason  string   `json:"reason,omitempty"`
	Error   string   `json:"error,omitempty"`
	Notes   []string `json:"notes,omitempty"` // warnings that did not fail the load
}

// Runs returns the newest limit runs, newest first, each with its steps and its loads in order.
func (l Ledger) Runs(ctx context.Context, limit int) ([]RunRecord, error) {
	rows, err := l.DB.Query(ctx, `SELECT run_id, command, started_at, finished_at, status, coalesce(steps_ok, 0),
		coalesce(steps_failed, 0), coalesce(steps_skipped, 0), coalesce(error, ''), coalesce(summary, '[]')
		FROM meta.runs ORDER BY run_id DESC LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("reading meta.runs: %w", err)
	}
	defer rows.Close()
	var runs []RunRecord
	for rows.Next() {
		var r RunRecord
		var fin sql.NullTime
		var summary string
		if err := rows.Scan(&r.RunID, &r.Command, &r.Started, &fin, &r.Status, &r.OK, &r.Failed, &r.Skipped, &r.Error, &summary); err != nil {
			return nil, err
		}
		if fin.Valid {
			s := fin.Time.UTC().Format(time.RFC3339)
			r.Finished = &s
		}
		_ = json.Unmarshal([]byte(summary), &r.Steps)
		runs = append(runs, r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range runs {
		if runs[i].Loads, err = l.loads(ctx, runs[i].RunID); err != nil {
			return nil, err
		}
	}
	return runs, nil
}

// loads returns the loads of one run, in order.
func (l Ledger) loads(ctx context.Context, runID int64) ([]LoadRecord, error) {
	rows, err := l.DB.Query(ctx, `SELECT load_id, source, coalesce(dataset, ''), coalesce(vintage, ''), status, coalesce(rows, 0),
		coalesce(reason, ''), coalesce(error, ''), coalesce(notes, '') FROM meta.loads WHERE run_id = ? ORDER BY load_id`, runID)
	if err != nil {
		return nil, fmt.Errorf("reading meta.loads: %w", err)
	}
	defer rows.Close()
	out := []LoadRecord{}
	for rows.Next() {
		var ld LoadRecord
		var notes string
		if err := rows.Scan(&ld.LoadID, &ld.Source, &ld.Dataset, &ld.Vintage, &ld.Status, &ld.Rows, &ld.Reason, &ld.Error, &notes); err != nil {
			return nil, fmt.Errorf("reading meta.loads: %w", err)
		}
		if notes != "" {
			if err := json.Unmarshal([]byte(notes), &ld.Notes); err != nil {
				return nil, fmt.Errorf("reading meta.loads: notes of load %d: %w", ld.LoadID, err)
			}
		}
		out = append(out, ld)
	}
	return out, rows.Err()
}
