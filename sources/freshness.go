package sources

import (
	"sort"
	"time"
)

// Freshness statuses shown by `cornerstone sources`.
const (
	// FreshFresh: the newest release held is the one expected most recently, and the next is not
	// due yet.
	FreshFresh = "fresh"
	// FreshNotYetPublished: the next release's expected date has come, but it is within its grace:
	// the publisher has not published it yet and nothing is overdue.
	FreshNotYetPublished = "not yet published"
	// FreshStale: an expected release is overdue beyond its grace and has not been loaded.
	FreshStale = "stale"
	// FreshNeverLoaded: no release of the source is held.
	FreshNeverLoaded = "never loaded"
)

// Freshness is a source's standing against its publisher's release calendar.
type Freshness struct {
	Status string
	// NextExpected is the date the next release is expected from; zero when the cadence has no
	// calendar (irregular).
	NextExpected time.Time
	// DueBy is NextExpected plus the grace: the last day of grace; from the day after it the
	// source is stale.
	DueBy time.Time
}

// calendar returns the months a release is expected in, sorted; nil when the cadence has no
// calendar.
func (c Cadence) calendar() []time.Month {
	if c.Every == "irregular" {
		return nil
	}
	ms := append([]time.Month{}, c.Months...)
	if len(ms) == 0 {
		switch c.Every {
		case "monthly":
			for m := time.January; m <= time.December; m++ {
				ms = append(ms, m)
			}
		case "quarterly":
			ms = []time.Month{time.January, time.April, time.July, time.October}
		}
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i] < ms[j] })
	return ms
}

// expected returns the expected publication date in year y, month m (midnight UTC).
func (c Cadence) expected(y int, m time.Month) time.Time {
	day := c.Day
	if day < 1 {
		day = 1
	}
	if last := time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day(); day > last {
		day = last
	}
	return time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
}

// around returns the latest expected date at or before t and the earliest after it.
func (c Cadence) around(t time.Time, months []time.Month) (prev, next time.Time) {
	for y := t.Year() - 1; y <= t.Year()+1; y++ {
		for _, m := range months {
			e := c.expected(y, m)
			if !e.After(t) {
				prev = e
			} else if next.IsZero() {
				next = e
			}
		}
	}
	return prev, next
}

// Assess rates a source against the calendar. last is when the newest release held was published
// (its publication date when known, else when it was first loaded); zero when none is held.
//
// The release is taken to answer the expected date it falls nearest: the latest expected date at or
// before it when it came within the grace after that date (a late release), otherwise the next one
// (an early release). The next release is expected at the following expected date; it is "not yet
// published" from then until the grace runs out, and "stale" after.
func (c Cadence) Assess(last, now time.Time) Freshness {
	now = now.UTC()
	months := c.calendar()
	if last.IsZero() {
		f := Freshness{Status: FreshNeverLoaded}
		if len(months) > 0 {
			_, f.NextExpected = c.around(now, months)
			f.DueBy = f.NextExpected.Add(c.Grace)
		}
		return f
	}
	if len(months) == 0 {
		return Freshness{Status: FreshFresh}
	}
	last = last.UTC()
	prev, next := c.around(last, months)
	answered := next
	if !prev.IsZero() && !last.After(prev.Add(c.Grace)) {
		answered = prev
	}
	_, nextExpected := c.around(answered, months)
	f := Freshness{NextExpected: nextExpected, DueBy: nextExpected.Add(c.Grace)}
	switch {
	case now.Before(f.NextExpected):
		f.Status = FreshFresh
	case now.Before(f.DueBy.AddDate(0, 0, 1)): // the whole of the last day of grace
		f.Status = FreshNotYetPublished
	default:
		f.Status = FreshStale
	}
	return f
}
