// Package plan composes Cornerstone's standard pipelines from the source registry, the SQL models
// and the report: which steps a run, an ingest or a build needs and how they depend on each other.
// Execute runs a plan through pipeline.Runner and records it in meta.runs.
package plan

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/progress"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline"
	"github.com/cornerstone-data/cornerstone/pipeline/models"
	"github.com/cornerstone-data/cornerstone/reports/site"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
	"github.com/cornerstone-data/cornerstone/sources/landing"
)

// Env is what executing a plan needs. The caller owns and closes DB.
type Env struct {
	DB       *warehouse.DB
	Fetch    *fetch.Client
	Landing  *landing.Zone
	Progress progress.Reporter
	Settings map[string]any // each source's decoded settings, by id (Settings)
	Demo     bool
	Workers  int
}

// Job says what to do.
type Job struct {
	// Command is recorded in meta.runs ("cornerstone run").
	Command string
	// Sources are the source ids to ingest, in any order.
	Sources []string
	// Ingest modifies the ingest (From, Vintage…); From requires exactly one source.
	Ingest sources.Options
	// Build builds models: every model when AllModels, else those downstream of the ingested
	// sources, or Models when given.
	Build     bool
	AllModels bool
	Models    []string
	FullBuild bool
	// Report writes the site to Out after the models, with Site's options (the plan sets their
	// Out, Progress and SkipIfCurrent).
	Report bool
	Out    string
	Site   site.Options
	// OnlyIfChanged builds the models and writes the site only when an ingest of the job loaded
	// something; otherwise those steps report "up to date" without looking. The scheduler sets it
	// when the previous run of the job finished ok, since its ticks mostly find nothing new.
	OnlyIfChanged bool
}

// Validate checks a job before anything runs.
func (j Job) Validate(p *models.Project) error {
	if j.Ingest.From != "" && len(j.Sources) != 1 {
		return fmt.Errorf("--from needs exactly one source, got %d", len(j.Sources))
	}
	for _, id := range j.Sources {
		if _, err := sources.Lookup(id); err != nil {
			return err
		}
	}
	for _, m := range j.Models {
		if _, ok := p.Models[m]; !ok {
			return fmt.Errorf("unknown model %q (known: %s)", m, strings.Join(p.Names(), ", "))
		}
	}
	if j.Report && j.Out == "" {
		return fmt.Errorf("report needs an output folder")
	}
	return nil
}

// Result is the outcome of executing a job.
type Result struct {
	RunID  int64
	Report *pipeline.Report
	// Ingests holds each source's ingest result by id.
	Ingests map[string]*sources.Result
	Site    *site.Summary

	mu sync.Mutex
}

// Failed reports whether any step failed or was skipped.
func (r *Result) Failed() bool { return r.Report == nil || r.Report.Failed() }

// changed reports whether any ingest so far loaded a release.
func (r *Result) changed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, ing := range r.Ingests {
		if ing != nil && ing.Changed() {
			return true
		}
	}
	return false
}

// Execute runs the job: records a run in meta.runs, builds the step graph, runs it, and records
// the outcome. The returned error is about the plan itself (bad job, ledger unavailable); step
// failures are in the Result's Report.
func Execute(ctx context.Context, env *Env, job Job) (*Result, error) {
	project, err := models.Default()
	if err != nil {
		return nil, err
	}
	if err := job.Validate(project); err != nil {
		return nil, err
	}
	ledger := pipeline.Ledger{DB: env.DB}
	runID, err := ledger.Start(ctx, job.Command)
	if err != nil {
		return nil, err
	}
	res := &Result{RunID: runID, Ingests: map[string]*sources.Result{}}
	steps, err := Steps(ctx, env, job, project, runID, res)
	if err == nil {
		var g *pipeline.Graph
		if g, err = pipeline.NewGraph(steps); err == nil {
			workers := env.Workers
			if workers == 0 {
				workers = 2
			}
			res.Report = (&pipeline.Runner{Workers: workers, Progress: env.Progress}).Run(ctx, g)
		}
	}
	if ferr := ledger.Finish(ctx, runID, res.Report, err, ctx.Err() != nil); ferr != nil && err == nil {
		err = ferr
	}
	return res, err
}

// IngestStepID is the step id of a source's ingest.
func IngestStepID(source string) string { return "ingest:" + source }

// ingestCosts estimates each source's ingest time from the warehouse's history: the time its
// loads took in the latest run that loaded it. Sources never loaded are absent.
func ingestCosts(ctx context.Context, env *Env) (map[string]time.Duration, error) {
	rows, err := env.DB.Query(ctx, `
		SELECT source, sum(epoch_ms(finished_at) - epoch_ms(started_at))
		FROM meta.loads AS l
		WHERE status = 'loaded' AND finished_at IS NOT NULL
		  AND run_id = (SELECT max(run_id) FROM meta.loads WHERE source = l.source AND status = 'loaded')
		GROUP BY source`)
	if err != nil {
		return nil, fmt.Errorf("reading the load history: %w", err)
	}
	defer rows.Close()
	out := map[string]time.Duration{}
	for rows.Next() {
		var id string
		var ms int64
		if err := rows.Scan(&id, &ms); err != nil {
			return nil, fmt.Errorf("reading the load history: %w", err)
		}
		out[id] = time.Duration(ms) * time.Millisecond
	}
	return out, rows.Err()
}

// ReportStepID is the report step's id.
const ReportStepID = "report"

// Steps returns the graph of steps for a job.
func Steps(ctx context.Context, env *Env, job Job, project *models.Project, runID int64, res *Result) ([]pipeline.Step, error) {
	var steps []pipeline.Step
	ids := append([]string{}, job.Sources...)
	sort.Strings(ids)
	inJob := map[string]bool{}
	for _, id := range ids {
		inJob[id] = true
	}
	producer := map[string]string{} // raw table -> ingest step
	var ingested []string
	costs, err := ingestCosts(ctx, env)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		src, err := sources.Lookup(id)
		if err != nil {
			return nil, err
		}
		info := src.Info()
		step := pipeline.Step{ID: IngestStepID(id), Cost: costs[id]}
		if _, known := costs[id]; !known {
			step.Cost = info.TypicalLoad
		}
		for _, n := range info.Needs {
			if inJob[n] {
				step.Deps = append(step.Deps, IngestStepID(n))
			}
		}
		for _, t := range info.Tables {
			producer[t.String()] = step.ID
			ingested = append(ingested, t.String())
		}
		senv := &sources.Env{DB: env.DB, Fetch: env.Fetch, Landing: env.Landing, Progress: env.Progress, RunID: runID,
			Demo: env.Demo, Settings: env.Settings}
		opts := job.Ingest
		step.Run = func(ctx context.Context) (pipeline.Outcome, error) {
			r, err := sources.Ingest(ctx, senv, src, opts)
			res.mu.Lock()
			res.Ingests[id] = r
			res.mu.Unlock()
			out := pipeline.Outcome{Status: "unchanged", Detail: r.Summary(), Changed: r.Changed()}
			if r.Changed() {
				out.Status = "loaded"
			}
			return out, err
		}
		steps = append(steps, step)
	}
	var names []string
	switch {
	case !job.Build:
		names = []string{} // not nil: Steps reads nil as every model
	case len(job.Models) > 0:
		names = job.Models
	case job.AllModels:
		names = project.Names()
	default:
		names = project.WithUpstream(project.Downstream(ingested))
		if names == nil {
			names = []string{}
		}
	}
	builder := &models.Builder{DB: env.DB, RunID: runID, Full: job.FullBuild, Freshness: freshness(env.DB),
		Loaded: func(ctx context.Context, table string) (bool, error) { return sources.Loaded(ctx, env.DB, table) }}
	var modelSteps []pipeline.Step
	if job.Build {
		modelSteps = project.Steps(builder, names, func(table string) (string, bool) {
			id, ok := producer[table]
			return id, ok
		})
	}
	if job.OnlyIfChanged {
		for i := range modelSteps {
			build := modelSteps[i].Run
			modelSteps[i].Run = func(ctx context.Context) (pipeline.Outcome, error) {
				if !res.changed() {
					return pipeline.Outcome{Status: "up to date", Detail: "nothing new loaded"}, nil
				}
				return build(ctx)
			}
		}
	}
	steps = append(steps, modelSteps...)
	if job.Report {
		step := pipeline.Step{ID: ReportStepID}
		for _, s := range modelSteps {
			step.Deps = append(step.Deps, s.ID)
		}
		if len(modelSteps) == 0 {
			for _, id := range ids {
				step.Deps = append(step.Deps, IngestStepID(id))
			}
		}
		out := job.Out
		opts := job.Site
		opts.Out, opts.Progress, opts.SkipIfCurrent = out, env.Progress, true
		step.Run = func(ctx context.Context) (pipeline.Outcome, error) {
			if job.OnlyIfChanged && !res.changed() {
				return pipeline.Outcome{Status: "unchanged", Detail: "nothing new loaded"}, nil
			}
			sum, err := site.Build(ctx, env.DB, opts)
			if err != nil {
				return pipeline.Outcome{}, err
			}
			res.Site = &sum
			if sum.Skipped {
				return pipeline.Outcome{Status: "unchanged", Detail: fmt.Sprintf("%s already holds build %s of the same inputs", out, sum.BuildID)}, nil
			}
			return pipeline.Outcome{Status: "written", Changed: true, Detail: fmt.Sprintf("%d pages, %d charts in %s (build %s)", sum.Pages, sum.Charts, out, sum.BuildID)}, nil
		}
		steps = append(steps, step)
	}
	return steps, nil
}

// EnabledSources returns the ids of every registered source not disabled by enabled.
func EnabledSources(enabled func(id string) bool) []string {
	var out []string
	for _, s := range sources.All() {
		if enabled == nil || enabled(s.Info().ID) {
			out = append(out, s.Info().ID)
		}
	}
	return out
}

// freshness rates a source against its release calendar for the models' freshness tests.
func freshness(db *warehouse.DB) func(ctx context.Context, id string) (string, string, error) {
	return func(ctx context.Context, id string) (string, string, error) {
		src, err := sources.Lookup(id)
		if err != nil {
			return "", "", err
		}
		states, err := sources.ReadStates(ctx, db)
		if err != nil {
			return "", "", err
		}
		f := states[id].Freshness(src.Info().Cadence, time.Now().UTC())
		detail := id + ": " + f.Status
		if !f.NextExpected.IsZero() {
			detail += fmt.Sprintf(" (next release expected from %s, overdue after %s)", f.NextExpected.Format("2006-01-02"), f.DueBy.Format("2006-01-02"))
		}
		return f.Status, detail, nil
	}
}
