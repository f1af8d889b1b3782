package sources

import (
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCadenceAssess(t *testing.T) {
	days := func(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
	// ONS mid-year estimates: expected from 1 July, 120 days' grace (stale after 29 October).
	annual := Cadence{Every: "annual", Months: []time.Month{time.July}, Grace: days(120)}
	// A quarterly series expected on the 15th of March, June, September and December, 30 days' grace.
	quarterly := Cadence{Every: "quarterly", Months: []time.Month{time.December, time.March, time.June, time.September}, Day: 15, Grace: days(30)}
	monthly := Cadence{Every: "monthly", Grace: days(10)}
	irregular := Cadence{Every: "irregular", Months: []time.Month{time.April}, Grace: days(90)}
	for _, tc := range []struct {
		name      string
		c         Cadence
		last, now string
		status    string
		next, due string
	}{
		{"never loaded", annual, "", "2026-03-01", FreshNeverLoaded, "2026-07-01", "2026-10-29"},
		{"published on time, next not due", annual, "2025-07-10", "2026-03-01", FreshFresh, "2026-07-01", "2026-10-29"},
		{"published a few days early answers this year's date", annual, "2025-06-26", "2025-08-01", FreshFresh, "2026-07-01", "2026-10-29"},
		{"published late within grace answers this year's date", annual, "2025-10-15", "2026-01-01", FreshFresh, "2026-07-01", "2026-10-29"},
		{"next due today: not yet published", annual, "2025-07-10", "2026-07-01", FreshNotYetPublished, "2026-07-01", "2026-10-29"},
		{"due, within grace", annual, "2025-07-10", "2026-09-30", FreshNotYetPublished, "2026-07-01", "2026-10-29"},
		{"last day of grace", annual, "2025-07-10", "2026-10-29", FreshNotYetPublished, "2026-07-01", "2026-10-29"},
		{"overdue beyond grace", annual, "2025-07-10", "2026-10-30", FreshStale, "2026-07-01", "2026-10-29"},
		{"two cycles missed", annual, "2024-07-10", "2026-03-01", FreshStale, "2025-07-01", "2025-10-29"},
		{"quarterly fresh", quarterly, "2026-03-20", "2026-05-01", FreshFresh, "2026-06-15", "2026-07-15"},
		{"quarterly due", quarterly, "2026-03-20", "2026-06-20", FreshNotYetPublished, "2026-06-15", "2026-07-15"},
		{"quarterly stale across the year end", quarterly, "2025-12-16", "2026-04-20", FreshStale, "2026-03-15", "2026-04-14"},
		{"monthly default calendar", monthly, "2026-02-03", "2026-03-05", FreshNotYetPublished, "2026-03-01", "2026-03-11"},
		{"monthly stale", monthly, "2026-02-03", "2026-03-12", FreshStale, "2026-03-01", "2026-03-11"},
		{"irregular is never stale", irregular, "2020-04-01", "2026-03-01", FreshFresh, "", ""},
		{"irregular never loaded", irregular, "", "2026-03-01", FreshNeverLoaded, "", ""},
		{"day clamped to the month", Cadence{Every: "annual", Months: []time.Month{time.February}, Day: 31, Grace: days(1)}, "2025-02-28", "2026-03-01", FreshNotYetPublished, "2026-02-28", "2026-03-01"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var last time.Time
			if tc.last != "" {
				last = day(tc.last)
			}
			f := tc.c.Assess(last, day(tc.now).Add(12*time.Hour))
			fmtDay := func(t time.Time) string {
				if t.IsZero() {
					return ""
				}
				return t.Format("2006-01-02")
			}
			if f.Status != tc.status || fmtDay(f.NextExpected) != tc.next || fmtDay(f.DueBy) != tc.due {
				t.Errorf("got %q next %s due %s, want %q next %s due %s", f.Status, fmtDay(f.NextExpected), fmtDay(f.DueBy), tc.status, tc.next, tc.due)
			}
		})
	}
}
