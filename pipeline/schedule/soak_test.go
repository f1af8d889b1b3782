//go:build integration

package schedule_test

import (
	"context"
	"flag"
	"strconv"
	"strings"
	"testing"
	"time"
)

var soakJobs = flag.Int("soak-jobs", 1000, "job cycles of TestSchedulerSoak")

// The scheduler soak (issue #20): one scheduler runs 1,000 job cycles back to back on one
// warehouse, each a child process that opens the warehouse, ingests a new revision of the test
// source, builds, records the run, closes it, and the next reopens it. Any cycle taking more than
// two minutes is a hang and fails the test at once (the whole soak must also end within the
// test's -timeout). Run with: go test -tags integration -run TestSchedulerSoak -timeout 60m ./pipeline/schedule
func TestSchedulerSoak(t *testing.T) {
	e := newEnv(t, "@every 1h") // no tick of its own during the soak: the test drives the jobs
	e.pub.revise.Store(true)
	l := &logs{}
	s := e.scheduler(t, l)
	stop, err := s.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	start := time.Now()
	for i := 1; i <= *soakJobs; i++ {
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.RunJob("ingest:test-ticks")
		}()
		select {
		case <-done:
		case <-time.After(2 * time.Minute):
			t.Fatalf("job cycle %d did not end within 2 minutes (a hang); log tail:\n%s", i, tail(l.String(), 30))
		}
		if i%100 == 0 {
			t.Logf("%d job cycles in %s", i, time.Since(start).Round(time.Second))
		}
	}
	stop()
	want := strconv.Itoa(*soakJobs)
	if got := e.query(t, `SELECT count(*) FROM meta.runs WHERE status = 'ok' AND finished_at IS NOT NULL`); got != want {
		t.Errorf("%s runs ok, want %s; log tail:\n%s", got, want, tail(l.String(), 30))
	}
	if got := e.query(t, `SELECT count(*) FROM meta.loads WHERE status = 'loaded'`); got != want {
		t.Errorf("%s loads, want %s (a revision each cycle)", got, want)
	}
	if n := len(e.hook.of("new_release")); n != *soakJobs {
		t.Errorf("%d new_release notifications, want %d", n, *soakJobs)
	}
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
