package pipeline

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func ok(context.Context) (Outcome, error) { return Outcome{Status: "ok"}, nil }

func TestGraphReportsEveryProblem(t *testing.T) {
	_, err := NewGraph([]Step{
		{ID: "a", Deps: []string{"b"}, Run: ok},
		{ID: "b", Deps: []string{"a"}, Run: ok},
		{ID: "c", Deps: []string{"missing"}, Run: ok},
		{ID: "c", Run: ok},
	})
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"defined twice", "depends on missing", "a -> b -> a"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if !errors.Is(err, ErrCycle) || !errors.Is(err, ErrUnknownStep) {
		t.Errorf("errors.Is fails: %v", err)
	}
}

func TestOrderIsTopologicalAndDeterministic(t *testing.T) {
	steps := []Step{
		{ID: "report", Deps: []string{"model:b", "model:a"}, Run: ok},
		{ID: "model:b", Deps: []string{"ingest:x"}, Run: ok},
		{ID: "model:a", Deps: []string{"ingest:y", "ingest:x"}, Run: ok},
		{ID: "ingest:x", Run: ok},
		{ID: "ingest:y", Run: ok},
	}
	g, err := NewGraph(steps)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(g.Order(), " ")
	want := "ingest:x ingest:y model:a model:b report"
	if got != want {
		t.Fatalf("order %q, want %q", got, want)
	}
}

func TestRunnerIsolatesFailures(t *testing.T) {
	var ran atomic.Int32
	count := func(context.Context) (Outcome, error) { ran.Add(1); return Outcome{Status: "ok"}, nil }
	g, err := NewGraph([]Step{
		{ID: "bad", Run: func(context.Context) (Outcome, error) { return Outcome{}, errors.New("503 from publisher") }},
		{ID: "panics", Run: func(context.Context) (Outcome, error) { panic("nil map") }},
		{ID: "good", Run: count},
		{ID: "after-bad", Deps: []string{"bad"}, Run: count},
		{ID: "after-after-bad", Deps: []string{"after-bad"}, Run: count},
		{ID: "after-panic", Deps: []string{"panics", "good"}, Run: count},
		{ID: "after-good", Deps: []string{"good"}, Run: count},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, workers := range []int{1, 2} {
		ran.Store(0)
		rep := (&Runner{Workers: workers}).Run(context.Background(), g)
		state := map[string]string{}
		for _, r := range rep.Results {
			state[r.ID] = r.State
		}
		want := map[string]string{"bad": StateFailed, "panics": StateFailed, "good": StateOK, "after-bad": StateSkipped,
			"after-after-bad": StateSkipped, "after-panic": StateSkipped, "after-good": StateOK}
		for id, w := range want {
			if state[id] != w {
				t.Errorf("workers=%d %s: %s, want %s", workers, id, state[id], w)
			}
		}
		if ran.Load() != 2 {
			t.Errorf("workers=%d: %d counted steps ran, want 2", workers, ran.Load())
		}
		if !rep.Failed() || !strings.Contains(rep.Summary(), "503 from publisher") || !strings.Contains(rep.Summary(), "panic: nil map") {
			t.Errorf("summary:\n%s", rep.Summary())
		}
	}
}

func TestRunnerStopsStartingStepsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	g, _ := NewGraph([]Step{
		{ID: "first", Run: func(context.Context) (Outcome, error) { cancel(); return Outcome{Status: "ok"}, nil }},
		{ID: "second", Deps: []string{"first"}, Run: func(context.Context) (Outcome, error) { t.Error("ran after cancel"); return Outcome{}, nil }},
	})
	rep := (&Runner{}).Run(ctx, g)
	if rep.Results[0].State != StateOK || rep.Results[1].State != StateSkipped || rep.Results[1].Error != "interrupted" {
		t.Fatalf("%+v", rep.Results)
	}
}

// With one worker, ready steps start costliest first, then in graph order.
func TestRunnerStartsCostliestFirst(t *testing.T) {
	var order []string
	rec := func(id string) func(context.Context) (Outcome, error) {
		return func(context.Context) (Outcome, error) {
			order = append(order, id)
			return Outcome{Status: "ok"}, nil
		}
	}
	g, err := NewGraph([]Step{
		{ID: "a-small", Run: rec("a-small")},
		{ID: "b-unknown", Run: rec("b-unknown")},
		{ID: "c-large", Run: rec("c-large"), Cost: time.Minute},
		{ID: "d-medium", Run: rec("d-medium"), Cost: time.Second},
		{ID: "e-after-small", Deps: []string{"a-small"}, Run: rec("e-after-small"), Cost: time.Hour},
	})
	if err != nil {
		t.Fatal(err)
	}
	(&Runner{Workers: 1}).Run(context.Background(), g)
	want := "c-large d-medium a-small e-after-small b-unknown"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("started %s, want %s", got, want)
	}
}
