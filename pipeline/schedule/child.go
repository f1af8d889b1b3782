package schedule

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/notify"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
)

// The job's side: what a child process of the scheduler runs (Job), and what it reports back.

// StartJob names the start-up check: run once in a child process before any job, it runs
// Options.Check and works out which sources missed a window.
const StartJob = "start"

// ErrUnknownJob means Job was given a name that is neither an entry's nor StartJob.
var ErrUnknownJob = errors.New("unknown job")

// JobResult is what a job's process reports to the scheduler, as JSON on its stdout.
type JobResult struct {
	Job string `json:"job"`
	// Events are the notifications the job raised; the scheduler sends them after the process
	// has ended, so a slow channel never holds the warehouse.
	Events []notify.Event `json:"events,omitempty"`
	// Retry is true when the job failed and every failure was transient (worth trying again soon).
	Retry bool `json:"retry,omitempty"`
	// Due lists, for StartJob, the jobs that missed a scheduled window and run once now.
	Due []string `json:"due,omitempty"`
	// Error is, for StartJob, why the scheduler must not start (the check failed, the warehouse
	// could not be opened).
	Error string `json:"error,omitempty"`
}

// add records events, dating those without a time.
func (r *JobResult) add(now time.Time, evs ...notify.Event) {
	for _, ev := range evs {
		if ev.Time.IsZero() {
			ev.Time = now
		}
		r.Events = append(r.Events, ev)
	}
}

// Job runs the job named (an Entry's Name, or StartJob) in this process, the way a child process
// of Run does, and returns its result. Cancelling ctx (the process's SIGTERM) interrupts the job:
// its current transaction rolls back and the run is recorded as interrupted. The only error is
// ErrUnknownJob; a job's failures are in its log, its events and meta.runs.
func (s *Scheduler) Job(ctx context.Context, name string) (*JobResult, error) {
	s.root, s.jobCtx = ctx, ctx
	res := &JobResult{Job: name}
	if name == StartJob {
		due, err := s.start(ctx)
		if err != nil && ctx.Err() == nil {
			res.Error = err.Error()
		}
		res.Due = due
		return res, nil
	}
	for _, e := range s.entries {
		if e.Name == name {
			res.Retry = s.attempt(ctx, e, res)
			return res, nil
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrUnknownJob, name)
}

// attempt runs e once with the warehouse open. It reports whether the job failed and every
// failure was transient.
func (s *Scheduler) attempt(ctx context.Context, e *Entry, res *JobResult) (transient bool) {
	db, err := s.open(ctx, e.Name)
	if err != nil {
		if ctx.Err() != nil {
			s.logf("%s: interrupted: %v", e.Name, err)
			return false
		}
		s.logf("%s: FAILED: %v", e.Name, err)
		res.add(s.now(), notify.Event{Type: config.EventFailure, Source: e.Source, Step: e.Name, Reason: sources.Reason(err),
			Summary: fmt.Sprintf("%s could not open the warehouse (%s)", e.Name, sources.Reason(err)), Error: err.Error(), Command: e.Command()})
		return errors.Is(err, warehouse.ErrBusy) || sources.Transient(err)
	}
	defer db.Close()
	if e.Kind == KindPrune {
		s.prune(ctx, db, e, res)
		return false
	}
	return s.ingest(ctx, db, e, res)
}

// start opens the warehouse once: runs the Check and works out which sources missed a window.
func (s *Scheduler) start(ctx context.Context) (due []string, err error) {
	db, err := s.open(ctx, StartJob)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if s.opts.Check != nil {
		if err := s.opts.Check(ctx, db); err != nil {
			return nil, err
		}
	}
	if !s.cfg.Schedule.CatchUpEnabled() {
		return nil, nil
	}
	states, err := sources.ReadStates(ctx, db)
	if err != nil {
		return nil, err
	}
	now := s.now()
	for _, e := range s.entries {
		if e.Kind != KindIngest {
			continue
		}
		last := states[e.Source].LastChecked
		switch {
		case last.IsZero():
			s.logf("%s: never checked: running now", e.Name)
		case !e.sched.Next(last.UTC()).After(now):
			s.logf("%s: missed the run due %s (last checked %s): running once now", e.Name,
				e.sched.Next(last.UTC()).Format(time.RFC3339), last.UTC().Format(time.RFC3339))
		default:
			continue
		}
		due = append(due, e.Name)
	}
	return due, nil
}

// open opens the warehouse for the job named, waiting up to schedule.lock_wait while another
// process holds it.
func (s *Scheduler) open(ctx context.Context, name string) (*warehouse.DB, error) {
	deadline := s.now().Add(s.cfg.Schedule.LockWait)
	logged := false
	for {
		db, err := s.opts.Open(ctx)
		if err == nil || !errors.Is(err, warehouse.ErrBusy) || !s.now().Before(deadline) {
			return db, err
		}
		if !logged {
			s.logf("%s: waiting up to %s for the warehouse: %v", name, s.cfg.Schedule.LockWait, err)
			logged = true
		}
		if !sleep(ctx, s.opts.LockPoll) {
			return nil, err
		}
	}
}
