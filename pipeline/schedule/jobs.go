package schedule

import (
	"context"
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

// ingest runs the source's ingest, the models downstream of it and, when something was loaded,
// the site; then records the run's notifications in res and checks the source's freshness.
func (s *Scheduler) ingest(ctx context.Context, db *warehouse.DB, e *Entry, res *JobResult) (transient bool) {
	env := &plan.Env{DB: db, Fetch: s.opts.Fetch, Landing: s.opts.Landing, Progress: s.opts.Progress,
		Settings: s.settings, Workers: 1}
	job := plan.Job{Command: e.Command(), Sources: []string{e.Source}, Build: true,
		Report: s.opts.Out != "", Out: s.opts.Out, Site: s.opts.Site, OnlyIfChanged: s.previousOK(ctx, db, e)}
	run, err := plan.Execute(ctx, env, job)
	if err != nil && ctx.Err() != nil {
		s.logf("%s: interrupted: %v", e.Name, err)
		return false
	}
	if err != nil {
		s.logf("%s: FAILED: %v", e.Name, err)
		res.add(s.now(), notify.Event{Type: config.EventFailure, Source: e.Source, Step: e.Name, Reason: sources.Reason(err),
			Summary: fmt.Sprintf("%s failed (%s)", e.Name, sources.Reason(err)), Error: err.Error(), Command: e.Command()})
		return sources.Transient(err)
	}
	state := "ok"
	switch {
	case ctx.Err() != nil:
		state = "interrupted"
	case run.Failed():
		state = "FAILED"
	}
	s.logf("%s: run %d %s: %s", e.Name, run.RunID, state, lastLine(run.Report.Summary()))
	res.add(s.now(), run.Events(e.Command())...)
	if ctx.Err() == nil {
		s.checkStale(ctx, db, e, res)
	}
	return run.Failed() && ctx.Err() == nil && onlyTransient(run)
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

// checkStale raises one stale notification per overdue release of e's source: when the source is
// stale and none was raised yet for the release expected at that date. It is recorded as sent
// (meta.source_state.stale_notified_for) here, while the warehouse is open; the scheduler sends
// it after the job, and again after the next job of the source if it could not be delivered.
func (s *Scheduler) checkStale(ctx context.Context, db *warehouse.DB, e *Entry, res *JobResult) {
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
	n := s.cfg.Notify
	if !n.Webhook.Enabled() && !n.Email.Enabled() || !n.Sends(config.EventStale) {
		return
	}
	if err := sources.MarkStaleNotified(ctx, db, e.Source, f.NextExpected); err != nil {
		s.logf("%s: %v", e.Name, err)
		return // not raised: tried again at the next tick
	}
	res.add(s.now(), ev)
}

// prune applies the retention policy as a run of its own in meta.runs.
func (s *Scheduler) prune(ctx context.Context, db *warehouse.DB, e *Entry, res *JobResult) {
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
			res.add(s.now(), notify.Event{Type: config.EventFailure, Step: e.Name, RunID: runID, Command: e.Command(),
				Reason: sources.Reason(r.Err), Summary: "applying the retention policy failed", Error: r.Error})
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
