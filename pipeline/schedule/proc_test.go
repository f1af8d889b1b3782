package schedule_test

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline/schedule"
)

// The scheduler's process model: jobs in child processes, one scheduler per warehouse, and
// notifications that hold nothing.

// A second scheduler of the same warehouse refuses to start, naming the first; the first goes on.
func TestSecondSchedulerIsRefused(t *testing.T) {
	e := newEnv(t, "@every 1h")
	l := &logs{}
	first := e.scheduler(t, l)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- first.Run(ctx) }()
	for deadline := time.Now().Add(60 * time.Second); l.count("run 1 ok") == 0 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	l2 := &logs{}
	err := e.scheduler(t, l2).Run(context.Background())
	cancel()
	if ferr := <-done; ferr != nil {
		t.Fatalf("the first scheduler: %v", ferr)
	}
	if !errors.Is(err, schedule.ErrAlreadyScheduled) || !strings.Contains(err.Error(), "test schedule") ||
		!strings.Contains(err.Error(), "pid ") || !strings.Contains(err.Error(), e.db) {
		t.Fatalf("the second scheduler: %v\n%s", err, l2)
	}
	if n := l2.count("starting"); n != 0 {
		t.Errorf("the second scheduler started %d jobs:\n%s", n, l2)
	}
	if got := e.query(t, `SELECT count(*) FROM meta.runs`); got != "1" {
		t.Errorf("runs: %s\n%s", got, l)
	}
}

// silentHook accepts connections and never answers.
func silentHook(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	return "http://" + ln.Addr().String() + "/services/T000/SECRETPATH"
}

// With a webhook that accepts and never answers, the warehouse is free as soon as a job has
// ended (a reader opens it within a second of the job's last line), the next ticks run on time,
// the log never shows the webhook's path, and the scheduler stops within notify.deadline.
func TestSilentWebhookHoldsNothing(t *testing.T) {
	e := newEnv(t, "@every 1s")
	e.cfg.Notify.Webhook.URL = silentHook(t)
	e.cfg.Notify.Deadline = 3 * time.Second
	e.pub.revise.Store(true) // every job loads a revision: a new_release event each time
	l := &logs{}
	s := e.scheduler(t, l)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	for deadline := time.Now().Add(60 * time.Second); l.count("warehouse released") == 0 && time.Now().Before(deadline); {
		time.Sleep(5 * time.Millisecond)
	}
	if l.count("run 1 ok") == 0 || l.count("warehouse released") == 0 {
		t.Fatalf("no run:\n%s", l)
	}
	jobEnd := time.Now()
	var opened time.Duration
	for {
		db, err := warehouse.Open(context.Background(), warehouse.Options{Path: e.db, ReadOnly: true})
		if err == nil {
			opened = time.Since(jobEnd)
			db.Close()
			break
		}
		if !errors.Is(err, warehouse.ErrBusy) || time.Since(jobEnd) > 30*time.Second {
			t.Fatalf("opening the warehouse after the job: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("a reader opened the warehouse %s after the job's end", opened)
	if opened > time.Second {
		t.Errorf("a reader got the warehouse %s after the job's end (want within 1 s)", opened)
	}
	// Three more ticks run while the webhook holds every notification for its full deadline.
	for deadline := time.Now().Add(60 * time.Second); l.count(" ok: ") < 4 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	stopping := time.Now()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	done <- nil // for the deferred stop
	if d := time.Since(stopping); d > e.cfg.Notify.Deadline+10*time.Second {
		t.Errorf("stopping took %s with a notify.deadline of %s", d, e.cfg.Notify.Deadline)
	}
	if n := l.count(" ok: "); n < 4 {
		t.Errorf("%d runs while the webhook was silent; want at least 4:\n%s", n, l)
	}
	if l.count("SECRETPATH") != 0 || l.count("sending the new_release notification") == 0 {
		t.Errorf("the log shows the webhook's path, or no notification failure:\n%s", l)
	}
	if got := e.query(t, `SELECT count(*) FROM meta.runs a JOIN meta.runs b ON a.run_id < b.run_id AND b.started_at < a.finished_at`); got != "0" {
		t.Errorf("%s overlapping runs", got)
	}
}

// A job whose process ends without a result (here it cannot read its configuration) is logged and
// notified as a failure, and the scheduler goes on.
func TestJobProcessWithoutResultIsAFailure(t *testing.T) {
	e := newEnv(t, "@every 1h")
	l := &logs{}
	opts := e.options(t, l)
	opts.Child = func(job string) []string { return []string{os.Args[0], childArg, e.dir + "/no-such-spec.json", job} }
	s, err := schedule.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	stop, err := s.Begin(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s.RunJob("ingest:test-ticks")
	stop()
	f := e.hook.of(config.EventFailure)
	if len(f) != 1 || !strings.Contains(f[0].Error, schedule.ErrJobProcess.Error()) || f[0].Source != "test-ticks" {
		t.Fatalf("failure events %+v\n%s", f, l)
	}
	if l.count("ingest:test-ticks: FAILED: ingest:test-ticks: "+schedule.ErrJobProcess.Error()) != 1 || l.count("no-such-spec.json") != 1 {
		t.Errorf("log:\n%s", l)
	}
}

// A stale notification the webhook did not take (503 on every attempt) is sent again after the
// source's next job, and then only once.
func TestUndeliveredStaleIsSentAfterTheNextJob(t *testing.T) {
	e := newEnv(t, "@every 1s")
	e.now = func() time.Time { return time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC) } // February's release overdue
	e.hook.failStale.Store(3)                                                         // the notifier's three attempts
	l := &logs{}
	runUntil(t, e.scheduler(t, l), l, func() bool { return len(e.hook.of(config.EventStale)) == 1 && l.count(" ok: ") >= 4 })
	if n := len(e.hook.of(config.EventStale)); n != 1 {
		t.Errorf("%d stale events delivered, want 1", n)
	}
	if l.count("sending the stale notification") != 1 {
		t.Errorf("log:\n%s", l)
	}
}
