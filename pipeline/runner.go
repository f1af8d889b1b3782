package pipeline

import (
	"context"
	"fmt"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/progress"
)

// Runner executes a Graph.
type Runner struct {
	// Workers is how many steps may run at once (default 1). Steps must be safe to run
	// concurrently with any step they do not depend on.
	Workers int
	// Progress receives one line per finished step (optional).
	Progress progress.Reporter
}

// Report is the outcome of a run, one result per step in graph order.
type Report struct {
	Results  []StepResult  `json:"steps"`
	Duration time.Duration `json:"duration_ns"`
}

// Run executes every step whose dependencies succeeded. A step that returns an error or panics is
// failed; every step that depends on it, directly or not, is skipped; other steps still run. When
// ctx is cancelled no new step starts and the remaining ones are skipped as interrupted. Run never
// returns an error: the Report says what happened.
func (r *Runner) Run(ctx context.Context, g *Graph) *Report {
	start := time.Now()
	workers := r.Workers
	if workers < 1 {
		workers = 1
	}
	prog := r.Progress
	if prog == nil {
		prog = progress.Discard()
	}
	results := map[string]*StepResult{}
	pending := map[string]int{}
	dependents := map[string][]string{}
	for _, id := range g.order {
		s := g.steps[id]
		pending[id] = len(s.Deps)
		for _, d := range s.Deps {
			dependents[d] = append(dependents[d], id)
		}
	}
	var ready []string
	for _, id := range g.order {
		if pending[id] == 0 {
			ready = append(ready, id)
		}
	}
	sortReady(g, ready)
	done := make(chan StepResult)
	running := 0
	var skip func(id, because string)
	skip = func(id, because string) {
		if _, seen := results[id]; seen {
			return
		}
		results[id] = &StepResult{ID: id, State: StateSkipped, Error: because}
		for _, dep := range dependents[id] {
			skip(dep, "depends on "+id+" which was skipped")
		}
	}
	for len(ready) > 0 || running > 0 {
		for len(ready) > 0 && running < workers {
			id := ready[0]
			ready = ready[1:]
			if ctx.Err() != nil {
				skip(id, "interrupted")
				continue
			}
			running++
			go func(s Step) { done <- runStep(ctx, s) }(g.steps[id])
		}
		if running == 0 {
			break
		}
		finished := <-done
		running--
		id := finished.ID
		res := &finished
		results[id] = res
		reportStep(prog, res)
		for _, dep := range dependents[id] {
			if res.State != StateOK {
				skip(dep, "depends on "+id+" which "+res.State)
				continue
			}
			pending[dep]--
			if pending[dep] == 0 {
				if _, seen := results[dep]; !seen {
					ready = append(ready, dep)
				}
			}
		}
		sortReady(g, ready)
	}
	rep := &Report{Duration: time.Since(start)}
	for _, id := range g.order {
		res, ok := results[id]
		if !ok {
			res = &StepResult{ID: id, State: StateSkipped, Error: "interrupted"}
		}
		rep.Results = append(rep.Results, *res)
	}
	return rep
}

// sortReady orders the ready steps costliest first, then in graph order.
func sortReady(g *Graph, ready []string) {
	sort.SliceStable(ready, func(i, j int) bool {
		ci, cj := g.steps[ready[i]].Cost, g.steps[ready[j]].Cost
		if ci != cj {
			return ci > cj
		}
		return indexOf(g.order, ready[i]) < indexOf(g.order, ready[j])
	})
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return len(xs)
}

func runStep(ctx context.Context, s Step) (res StepResult) {
	start := time.Now()
	res = StepResult{ID: s.ID}
	defer func() {
		res.Duration = time.Since(start)
		if p := recover(); p != nil {
			res.State = StateFailed
			res.Err = fmt.Errorf("panic: %v", p)
			res.Error = fmt.Sprintf("panic: %v\n%s", p, firstLines(string(debug.Stack()), 12))
		}
	}()
	out, err := s.Run(ctx)
	res.Status, res.Detail, res.Changed = out.Status, out.Detail, out.Changed
	if err != nil {
		res.State = StateFailed
		res.Err = err
		res.Error = err.Error()
		return res
	}
	res.State = StateOK
	return res
}

func reportStep(p progress.Reporter, r *StepResult) {
	switch r.State {
	case StateOK:
		line := r.ID + ": " + r.Status
		if r.Detail != "" {
			line += " (" + r.Detail + ")"
		}
		p.Logf("%s", line)
	case StateFailed:
		p.Logf("%s: FAILED: %s", r.ID, firstLines(r.Error, 1))
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, "\n")
}

// Failed reports whether any step failed or was skipped.
func (r *Report) Failed() bool {
	for _, s := range r.Results {
		if s.State != StateOK {
			return true
		}
	}
	return false
}

// Counts returns how many steps succeeded, failed and were skipped.
func (r *Report) Counts() (ok, failed, skipped int) {
	for _, s := range r.Results {
		switch s.State {
		case StateOK:
			ok++
		case StateFailed:
			failed++
		default:
			skipped++
		}
	}
	return
}

// Summary renders the report for a person: one line per step that did not simply succeed
// unchanged, then totals.
func (r *Report) Summary() string {
	var b strings.Builder
	ok, failed, skipped := r.Counts()
	for _, s := range r.Results {
		switch s.State {
		case StateFailed:
			fmt.Fprintf(&b, "  FAILED  %s\n          %s\n", s.ID, strings.ReplaceAll(s.Error, "\n", "\n          "))
		case StateSkipped:
			fmt.Fprintf(&b, "  skipped %s (%s)\n", s.ID, s.Error)
		}
	}
	changed := 0
	for _, s := range r.Results {
		if s.Changed {
			changed++
		}
	}
	fmt.Fprintf(&b, "%d steps: %d ok (%d changed), %d failed, %d skipped in %s\n", len(r.Results), ok, changed, failed, skipped, r.Duration.Round(time.Millisecond))
	return b.String()
}
