package pipeline

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Graph is a validated set of steps.
type Graph struct {
	steps map[string]Step
	order []string
}

// ErrCycle means the steps' dependencies form a cycle.
var ErrCycle = errors.New("dependency cycle")

// ErrUnknownStep means a step depends on a step that is not in the graph.
var ErrUnknownStep = errors.New("unknown step")

// NewGraph checks the steps and orders them. It reports every problem at once: duplicate IDs,
// dependencies on unknown steps, and each cycle.
func NewGraph(steps []Step) (*Graph, error) {
	g := &Graph{steps: map[string]Step{}}
	var errs []error
	for _, s := range steps {
		if s.ID == "" {
			errs = append(errs, errors.New("a step has no ID"))
			continue
		}
		if _, dup := g.steps[s.ID]; dup {
			errs = append(errs, fmt.Errorf("step %s defined twice", s.ID))
			continue
		}
		g.steps[s.ID] = s
	}
	for _, id := range g.ids() {
		for _, d := range g.steps[id].Deps {
			if _, ok := g.steps[d]; !ok {
				errs = append(errs, fmt.Errorf("step %s depends on %s: %w", id, d, ErrUnknownStep))
			}
		}
	}
	order, cycles := topo(g.ids(), func(id string) []string { return g.steps[id].Deps }, func(id string) bool { _, ok := g.steps[id]; return ok })
	for _, c := range cycles {
		errs = append(errs, fmt.Errorf("%w: %s", ErrCycle, strings.Join(c, " -> ")))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	g.order = order
	return g, nil
}

func (g *Graph) ids() []string {
	out := make([]string, 0, len(g.steps))
	for id := range g.steps {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// Order returns the step IDs in a deterministic topological order (ties by ID).
func (g *Graph) Order() []string { return append([]string{}, g.order...) }

// Step returns the step with the given ID.
func (g *Graph) Step(id string) (Step, bool) {
	s, ok := g.steps[id]
	return s, ok
}

// Len returns the number of steps.
func (g *Graph) Len() int { return len(g.steps) }

// TopoSort orders nodes so that each comes after its dependencies (ties broken by name). It
// returns every cycle found, each as a path that starts and ends at the same node; dependencies
// for which known returns false are ignored.
func TopoSort(nodes []string, deps func(string) []string, known func(string) bool) ([]string, [][]string) {
	return topo(nodes, deps, known)
}

func topo(nodes []string, deps func(string) []string, known func(string) bool) ([]string, [][]string) {
	sorted := append([]string{}, nodes...)
	sort.Strings(sorted)
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var order []string
	var cycles [][]string
	var stack []string
	var visit func(n string)
	visit = func(n string) {
		color[n] = grey
		stack = append(stack, n)
		ds := append([]string{}, deps(n)...)
		sort.Strings(ds)
		for _, d := range ds {
			if !known(d) {
				continue
			}
			switch color[d] {
			case white:
				visit(d)
			case grey:
				i := len(stack) - 1
				for i >= 0 && stack[i] != d {
					i--
				}
				cyc := append(append([]string{}, stack[i:]...), d)
				cycles = append(cycles, cyc)
			}
		}
		stack = stack[:len(stack)-1]
		color[n] = black
		order = append(order, n)
	}
	for _, n := range sorted {
		if color[n] == white {
			visit(n)
		}
	}
	return order, cycles
}
