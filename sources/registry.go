package sources

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

var (
	regMu    sync.RWMutex
	registry = map[string]Source{}
)

// Register makes a source available by its id. It panics when the id is taken or the Info is
// invalid, like database/sql.Register; call it from init.
func Register(s Source) {
	info := s.Info()
	if err := info.Validate(); err != nil {
		panic("sources: Register: " + err.Error())
	}
	regMu.Lock()
	defer regMu.Unlock()
	if _, dup := registry[info.ID]; dup {
		panic("sources: Register called twice for " + info.ID)
	}
	registry[info.ID] = s
}

// ErrUnknownSource means no source is registered under the id.
var ErrUnknownSource = errors.New("unknown source")

// Lookup returns the source registered under id, or an error wrapping ErrUnknownSource that lists
// the known ids.
func Lookup(id string) (Source, error) {
	regMu.RLock()
	defer regMu.RUnlock()
	if s, ok := registry[id]; ok {
		return s, nil
	}
	return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownSource, id, strings.Join(namesLocked(), ", "))
}

// Names returns every registered id, sorted.
func Names() []string {
	regMu.RLock()
	defer regMu.RUnlock()
	return namesLocked()
}

func namesLocked() []string {
	out := make([]string, 0, len(registry))
	for id := range registry {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

// All returns every registered source ordered so that each comes after the sources it Needs, ties
// broken by id.
func All() []Source {
	regMu.RLock()
	defer regMu.RUnlock()
	var out []Source
	done := map[string]bool{}
	var visit func(id string, stack map[string]bool)
	visit = func(id string, stack map[string]bool) {
		s, ok := registry[id]
		if !ok || done[id] || stack[id] {
			return
		}
		stack[id] = true
		needs := append([]string{}, s.Info().Needs...)
		sort.Strings(needs)
		for _, n := range needs {
			visit(n, stack)
		}
		done[id] = true
		out = append(out, s)
	}
	for _, id := range namesLocked() {
		visit(id, map[string]bool{})
	}
	return out
}

// Tables returns every raw table any registered source writes, as schema.name.
func Tables() map[string]string {
	out := map[string]string{}
	for _, s := range All() {
		for _, t := range s.Info().Tables {
			out[t.String()] = s.Info().ID
		}
	}
	return out
}
