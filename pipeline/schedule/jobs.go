package schedule

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/notify"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline"
	"github.com/cornerstone-data/cornerstone/pipeline/plan"
	"github.com/cornerstone-data/cornerstone/pipeline/retention"
	"github.com/cornerstone-data/cornerstone/sources"
)

// Command returns what meta.runs records for a job: "cornerstone schedule: ingest la-register".
func (e *Entry) Command() string {
	if e.Kind == KindIngest {
		return "cornerstone schedule: ingest " + e.Source
	}
	return "cornerstone schedule: " + e.Name
}

// runJob runs one tick of e, with the retries for transient failures.
func (s *Scheduler) runJob(e *Entry) {
	retries := s.cfg.Schedule.Retries
	if retries < 0 {
		retries = 0
	}
	delay := s.cfg.Schedule.RetryDelay
	for attempt := 0; ; attempt++ {
		if s.root.Err() != nil {
			return
		}
		transient := s.attempt(e)
		if !transient || attempt >= retries || s.root.Err() != nil {
			return
		}
		s.logf("%s: transient failure: trying again in %s (retry %d of %d)", e.Name, delay, attempt+1, retries)
		if !sleep(s.root, delay) {
			return
		}
		delay *= 2
	}
}

// attempt runs e once, holding the one-job-at-a-time slot and the warehouse. It reports whether
// the job failed and every failure was transient (worth trying again soon).
func (s *Scheduler) attempt(e *Entry) (transient bool) {
	select {
	case s.sem <- struct{}{}:
	case <-s.root.Done():
		return false
	}
	defer func() { <-s.sem }()
	ctx := s.jobCtx
	s.logf("%s: starting", e.Name)
	db, err := s.open(s.root, e.Name)
	if err != nil {
		if s.root.Err() != nil {
			return false
		}
		s.logf("%s: FAILED: %v", e.Name, err)
		s.send(ctx, notify.Event{Type: config.EventFailure, Source: e.Source, Step: e.Name, Reason: sources.Reason(err),
			Summary: fmt.Sprintf("%s could not open the warehouse (%s)", e.Name, sources.Reason(err)), Error: err.Error(), Command: e.Command()})
		return errors.Is(err, warehouse.ErrBusy) || sources.Transient(err)
	}
	defer db.Close()
	if e.Kind == KindPrune {
		s.prune(ctx, db, e)
		return false
	}
	return s.ingest(ctx, db, e)
}

// ingest runs the source's ingest, the models downstream of it and, when something was loaded,
// the site; then sends the run's notifications and checks the source's freshness.
func (s *Scheduler) ingest(ctx context.Context, db *warehouse.DB, e *Entry) (transient bool) {
	env := &plan.Env{DB: db, Fetch: s.opts.Fetch, Landing: s.opts.Landing, Progress: s.opts.Progress,
		Settings: s.settings, Workers: 1}
	job := plan.Job{Command: e.Command(), Sources: []string{e.Source}, Build: true,
		Report: s.opts.Out != "", Out: s.opts.Out, Site: s.opts.Site, OnlyIfChanged: s.previousOK(ctx, db, e)}
	res, err := plan.Execute(ctx, env, job)
	if err != nil && ctx.Err() != nil {
		s.logf("%s: interrupted: %v", e.Name, err)
		return false
	}
	if err != nil {
		s.logf("%s: FAILED: %v", e.Name, err)
		s.send(ctx, notify.Event{Type: config.EventFailure, Source: e.Source, Step: e.Name, Reason: sources.Reason(err),
			Summary: fmt.Sprintf("%s failed (%s)", e.Name, sources.Reason(err)), Error: err.Error(), Command: e.Command()})
		return sources.Transient(err)
	}
	state := "ok"
	switch {
	case ctx.Err() != nil:
		state = "interrupted"
	case res.Failed():
		state = "FAILED"
	}
	s.logf("%s: run %d %s: %s", e.Name, res.RunID, state, lastLine(res.Report.Summary()))
	s.send(ctx, res.Events(e.Command())...)
	if ctx.Err() == nil {
		s.checkStale(ctx, db, e)
	}
	return res.Failed() && ctx.Err() == nil && onlyTransient(res)
}

// previousOK reports whether the models and site downstream of e's source are as its previous run
// left them: that run finished ok and no release of the source was loaded since (by an analyst's
// `ingest --no-build`, say). Only then may a tick that loads nothing skip the model build and the
// site; after a failed or interrupted run, or a load from elsewhere, they are redone.
func (s *Scheduler) previousOK(ctx context.Context, db *warehouse.DB, e *Entry) bool {
	var status string
	var finished time.Time
	err := db.QueryRow(ctx, `SELECT status, finished_at FROM meta.runs WHERE command = ? AND finished_at IS NOT NULL
		ORDER BY run_id DESC LIMIT 1`, e.Command()).Scan(&status, &finished)
	if err != nil || status != pipeline.RunOK {
		return false
	}
	var since int
	err = db.QueryRow(ctx, `SELECT count(*) FROM meta.loads WHERE source = ? AND status = 'loaded' AND finished_at >= ?`,
		e.Source, finished).Scan(&since)
	return err == nil && since == 0
}

// onlyTransient reports whether every failed step of the run failed transiently: for an ingest,
// every failed load (or its discovery) a network error or 5xx that outlasted the retries.
func onlyTransient(res *plan.Result) bool {
	failed := 0
	for _, st := range res.Report.Results {
		if st.State != pipeline.StateFailed {
			continue
		}
		failed++
		id, isIngest := strings.CutPrefix(st.ID, "ingest:")
		ing := res.Ingests[id]
		if !isIngest || ing == nil {
			if !sources.Transient(st.Err) {
				return false
			}
			continue
		}
		loads := 0
		for _, l := range ing.Loads {
			if l.Status == sources.StatusFailed {
				loads++
				if !sources.Transient(l.Err) {
					return false
				}
			}
		}
		if loads == 0 && !sources.Transient(st.Err) {
			return false
		}
	}
	return failed > 0
}

// checkStale sends one stale notification per overdue release of e's source: when the source is
// stale and no notification was sent yet for the release expected at that date.
func (s *Scheduler) checkStale(ctx context.Context, db *warehouse.DB, e *Entry) {
	src, err := sources.Lookup(e.Source)
	if err != nil {
		return
	}
	info := src.Info()
	states, err := sources.ReadStates(ctx, db)
	if err != nil {
		s.logf("%s: checking freshness: %v", e.Name, err)
		return
	}
	st := states[e.Source]
	f := st.Freshness(info.Cadence, s.now())
	if f.Status != sources.FreshStale {
		return
	}
	if !st.StaleNotifiedFor.IsZero() && st.StaleNotifiedFor.Format(time.DateOnly) == f.NextExpected.Format(time.DateOnly) {
		return
	}
	ev := notify.Event{Type: config.EventStale, Source: e.Source, Step: e.Name, Command: e.Command(),
		Release:  st.LastRelease,
		Expected: f.NextExpected.Format(time.DateOnly), DueBy: f.DueBy.Format(time.DateOnly),
		Summary: fmt.Sprintf("%s is stale: the release expected from %s was not published by %s (newest held: %s)",
			e.Source, f.NextExpected.Format(time.DateOnly), f.DueBy.Format(time.DateOnly), st.LastRelease)}
	s.logf("%s", ev.Summary)
	if !s.opts.Notifier.Enabled() || !s.cfg.Notify.Sends(config.EventStale) {
		return
	}
	if err := s.opts.Notifier.Send(ctx, ev); err != nil {
		s.logf("%s: %v", e.Name, err)
		return // not marked: tried again at the next tick
	}
	if err := sources.MarkStaleNotified(ctx, db, e.Source, f.NextExpected); err != nil {
		s.logf("%s: %v", e.Name, err)
	}
}

// prune applies the retention policy as a run of its own in meta.runs.
func (s *Scheduler) prune(ctx context.Context, db *warehouse.DB, e *Entry) {
	ledger := pipeline.Ledger{DB: db}
	runID, err := ledger.Start(ctx, e.Command())
	if err != nil {
		s.logf("%s: FAILED: %v", e.Name, err)
		return
	}
	step := pipeline.Step{ID: KindPrune, Run: func(ctx context.Context) (pipeline.Outcome, error) {
		p, err := retention.Make(ctx, db, s.opts.Landing, s.cfg.Retention, s.now())
		if err != nil {
			return pipeline.Outcome{}, err
		}
		if p.Empty() {
			return pipeline.Outcome{Status: "unchanged", Detail: "nothing to prune"}, nil
		}
		if err := p.Apply(ctx, db); err != nil {
			return pipeline.Outcome{}, err
		}
		return pipeline.Outcome{Status: "pruned", Detail: p.Summary(), Changed: true}, nil
	}}
	g, err := pipeline.NewGraph([]pipeline.Step{step})
	if err != nil {
		s.logf("%s: FAILED: %v", e.Name, err)
		return
	}
	rep := (&pipeline.Runner{Workers: 1, Progress: s.opts.Progress}).Run(ctx, g)
	if err := ledger.Finish(ctx, runID, rep, nil, ctx.Err() != nil); err != nil {
		s.logf("%s: %v", e.Name, err)
	}
	s.logf("%s: run %d: %s", e.Name, runID, lastLine(rep.Summary()))
	for _, r := range rep.Results {
		if r.State == pipeline.StateFailed && ctx.Err() == nil {
			s.send(ctx, notify.Event{Type: config.EventFailure, Step: e.Name, RunID: runID, Command: e.Command(),
				Reason: sources.Reason(r.Err), Summary: "applying the retention policy failed", Error: r.Error})
		}
	}
}

// send delivers events, logging (never failing on) a notification that could not be sent. A
// failure that is only the shutdown interrupting a job is not sent: it is rolled back and recorded.
func (s *Scheduler) send(ctx context.Context, evs ...notify.Event) {
	for _, ev := range evs {
		if ev.Type == config.EventFailure && ev.Reason == sources.ReasonInterrupted {
			continue
		}
		if ev.Time.IsZero() {
			ev.Time = s.now()
		}
		if err := s.opts.Notifier.Send(context.WithoutCancel(ctx), ev); err != nil {
			s.logf("%v", err)
		}
	}
}

func lastLine(s string) string {
	for len(s) > 0 && s[len(s)-1] == '\n' {
		s = s[:len(s)-1]
	}
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '\n' {
			return s[i+1:]
		}
	}
	return s
}
