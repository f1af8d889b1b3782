// Package pipeline runs Cornerstone's work as a graph of steps: ingest one source, build one model,
// write the report. Steps declare their dependencies; the graph is checked (unknown steps, cycles)
// and run in topological order by a Runner that isolates failures: a step that fails or panics is
// recorded, its dependents are skipped, and independent branches carry on. Every run is recorded in
// meta.runs by a Ledger, and the scheduler runs pipelines on cron schedules.
package pipeline

import (
	"context"
	"time"
)

// Step is one unit of work in a graph.
type Step struct {
	// ID is unique within a graph, e.g. "ingest:ons-population" or "model:core.population".
	ID string
	// Deps are the IDs of steps that must succeed first.
	Deps []string
	// Run does the work. It must honour ctx: when ctx is cancelled it finishes or rolls back its
	// current transaction and returns.
	Run func(ctx context.Context) (Outcome, error)
	// Cost estimates how long the step takes (its last run's time, say; zero when unknown). Of
	// the steps ready at once, the runner starts the costliest first, so a long step does not
	// start last and hold up the end of the run.
	Cost time.Duration
}

// Outcome is what a successful step reports.
type Outcome struct {
	// Status is a short word: "loaded", "unchanged", "built", "written", "ok".
	Status string
	// Detail is one line for the summary ("356 rows", "3 tests passed").
	Detail string
	// Changed reports whether the step changed the warehouse or the site.
	Changed bool
}

// Step states in a Report.
const (
	StateOK      = "ok"
	StateFailed  = "failed"
	StateSkipped = "skipped"
)

// StepResult is what happened to one step.
type StepResult struct {
	ID       string        `json:"id"`
	State    string        `json:"state"`
	Status   string        `json:"status,omitempty"`
	Detail   string        `json:"detail,omitempty"`
	Changed  bool          `json:"changed,omitempty"`
	Error    string        `json:"error,omitempty"`
	Duration time.Duration `json:"duration_ns"`
	// Err is the step's error (not serialised; Error holds its text).
	Err error `json:"-"`
}
