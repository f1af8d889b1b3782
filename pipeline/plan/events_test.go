package plan

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/notify"
	"github.com/cornerstone-data/cornerstone/pipeline"
	"github.com/cornerstone-data/cornerstone/sources"
)

// A load failure whose message quotes a 3 MB header and lists ten thousand bad cells, from a
// release whose title and vintage came from the same file, still makes notifications whose
// webhook body (the event and its text) is under 4 KiB.
func TestEventsStayUnder4KiB(t *testing.T) {
	big := strings.Repeat(`<"&`, 1<<20)
	verr := &sources.ValidationError{File: "return.csv"}
	verr.Problems = append(verr.Problems, sources.Problem{Row: 1, Column: big, Value: big, Why: "not a column of the usage template"})
	for i := range 10_000 {
		verr.Problems = append(verr.Problems, sources.Problem{Row: i + 2, Column: "value", Value: big[:1000], Why: "not a number"})
	}
	lerr := &sources.LoadError{Source: "local-returns", File: "return.csv", Err: verr}
	rel := sources.Release{Dataset: "usage-" + big[:300], Vintage: big[:300], Title: big}
	r := &Result{RunID: 7, Ingests: map[string]*sources.Result{"local-returns": {Source: "local-returns",
		Loads: []sources.LoadResult{{Release: rel, Status: sources.StatusFailed, Err: lerr}, {Release: rel, Status: sources.StatusLoaded, Rows: 3}}}},
		Report: &pipeline.Report{Results: []pipeline.StepResult{{ID: "model:core.usage", State: pipeline.StateFailed, Error: lerr.Error(), Err: lerr}}}}
	evs := r.Events("cornerstone ingest local-returns --from " + big[:100])
	if len(evs) != 3 {
		t.Fatalf("%d events", len(evs))
	}
	for _, ev := range evs {
		body, err := json.Marshal(struct {
			notify.Event
			Text string `json:"text"`
		}{ev, ev.Text()})
		if err != nil {
			t.Fatal(err)
		}
		if len(body) > 4096 {
			t.Errorf("%s event: a %d-byte webhook body", ev.Type, len(body))
		}
	}
}
