package plan

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/notify"
	"github.com/cornerstone-data/cornerstone/internal/safetext"
	"github.com/cornerstone-data/cornerstone/pipeline"
	"github.com/cornerstone-data/cornerstone/sources"
)

// Events turns the outcome of a run into notifications: a new_release event for each release
// loaded (new or revised), a failure event for each failed load with its reason (sources.Reason),
// and a failure event for each other failed step (a discovery that failed, a model whose
// error-severity test failed). Loads stopped by an interrupt (SIGTERM, Ctrl-C) are not reported:
// they are rolled back and retried on the next run. command is recorded in each event. Text that
// comes from files (titles, labels, messages quoting cells) is clipped (clipEvent), so that no
// notification exceeds 4 KiB whatever a file holds.
func (r *Result) Events(command string) []notify.Event {
	if r == nil {
		return nil
	}
	var out []notify.Event
	ids := make([]string, 0, len(r.Ingests))
	for id := range r.Ingests {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	reported := map[string]bool{} // step ids whose failure a load event already reports
	for _, id := range ids {
		ing := r.Ingests[id]
		if ing == nil {
			continue
		}
		for _, l := range ing.Loads {
			ev := notify.Event{Source: id, Dataset: l.Release.Dataset, Vintage: l.Release.Vintage, Release: l.Release.Title,
				Step: IngestStepID(id), RunID: r.RunID, Command: command}
			label := strings.TrimSpace(id + " " + l.Release.Dataset + " " + l.Release.Vintage)
			switch l.Status {
			case sources.StatusLoaded:
				ev.Type, ev.Rows = config.EventNewRelease, l.Rows
				ev.Summary = fmt.Sprintf("%s loaded (%d rows)", label, l.Rows)
			case sources.StatusFailed:
				reported[ev.Step] = true
				ev.Reason = sources.Reason(l.Err)
				if ev.Reason == sources.ReasonInterrupted {
					continue
				}
				ev.Type = config.EventFailure
				ev.Summary = fmt.Sprintf("%s: load failed (%s)", label, ev.Reason)
				if l.Err != nil {
					ev.Error = l.Err.Error()
				}
			default:
				continue
			}
			out = append(out, clipEvent(ev))
		}
	}
	if r.Report == nil {
		return out
	}
	for _, s := range r.Report.Results {
		if s.State != pipeline.StateFailed || reported[s.ID] {
			continue
		}
		ev := notify.Event{Type: config.EventFailure, Step: s.ID, RunID: r.RunID, Command: command, Error: s.Error}
		ev.Reason = sources.Reason(s.Err)
		if ev.Reason == sources.ReasonInterrupted {
			continue
		}
		if id, ok := strings.CutPrefix(s.ID, "ingest:"); ok {
			ev.Source = id
		}
		ev.Summary = fmt.Sprintf("%s failed (%s)", s.ID, ev.Reason)
		out = append(out, clipEvent(ev))
	}
	return out
}

// EventErrorMax bounds an event's error message: the webhook sends it twice (the field and the
// text).
const EventErrorMax = 1000

// NotificationMax bounds the JSON a webhook is sent for one event (the event's fields and its text).
const NotificationMax = 4000

// clipEvent clips the fields of an event that may quote a file: the error to EventErrorMax bytes,
// the release's labels, the summary and the command to safetext.ValueMax; then, while the
// webhook's JSON of the event would exceed NotificationMax (characters JSON escapes as \u003c take
// six bytes), it halves the longest of them.
func clipEvent(ev notify.Event) notify.Event {
	ev.Error = safetext.Clip(ev.Error, EventErrorMax)
	fields := []*string{&ev.Error, &ev.Summary, &ev.Release, &ev.Dataset, &ev.Vintage, &ev.Command}
	for _, f := range fields[1:] {
		*f = safetext.Value(*f)
	}
	for range 32 {
		body, err := json.Marshal(struct {
			notify.Event
			Text string `json:"text"`
		}{ev, ev.Text()})
		if err != nil || len(body) <= NotificationMax {
			break
		}
		longest := fields[0]
		for _, f := range fields[1:] {
			if len(*f) > len(*longest) {
				longest = f
			}
		}
		*longest = safetext.Clip(*longest, len(*longest)/2)
	}
	return ev
}
