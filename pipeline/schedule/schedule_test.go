package schedule_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/notify"
	"github.com/cornerstone-data/cornerstone/internal/progress"
	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline/schedule"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
	"github.com/cornerstone-data/cornerstone/sources/landing"
	"github.com/cornerstone-data/cornerstone/sources/values"
)

// ticks is a test source: a monthly CSV of name,n rows served by the current publisher.
type ticks struct{}

var publisher atomic.Pointer[publisherServer]

func init() { sources.Register(ticks{}) }

func (ticks) Info() sources.Info {
	return sources.Info{ID: "test-ticks", Title: "Ticks", Publisher: "Test", Licence: "OGL",
		Tables:   []warehouse.Table{{Schema: "raw", Name: "test_ticks", Columns: []warehouse.Column{{Name: "name", Type: "VARCHAR"}, {Name: "n", Type: "BIGINT"}}}},
		Cadence:  sources.Cadence{Every: "monthly", Grace: 5 * 24 * time.Hour},
		Schedule: "0 6 * * *"}
}

func (ticks) Discover(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	p := publisher.Load()
	return []sources.Release{{Dataset: "ticks", Vintage: "2026-01", Title: "Ticks January 2026",
		Published: time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC),
		Assets:    []sources.Asset{{URL: p.URL + "/ticks.csv", Kind: fetch.KindCSV}}}}, nil
}

func (ticks) Load(ctx context.Context, ld *sources.Loader) error {
	f, err := ld.File("")
	if err != nil {
		return err
	}
	wb, err := sheets.Open(f.Path)
	if err != nil {
		return err
	}
	defer wb.Close()
	rows, err := wb.Rows("")
	if err != nil {
		return err
	}
	defer rows.Close()
	w, err := ld.Writer(ctx, "test_ticks")
	if err != nil {
		return err
	}
	for rows.Next() {
		r := rows.Row()
		if rows.Number() == 1 {
			continue
		}
		n, _, err := values.Int(r[1].Value)
		if err != nil {
			return &sheets.CellError{File: f.Filename, Row: rows.Number(), Col: 1, Value: r[1].Value, Err: err}
		}
		if err := w.Append(f.Filename, "", rows.Number(), r[0].Value, n); err != nil {
			return err
		}
	}
	return rows.Err()
}

// publisherServer serves ticks.csv, failing the first fail requests with 503.
type publisherServer struct {
	*httptest.Server
	fail atomic.Int32
	// revise, when set, makes every answer a new revision of the file (its rows' n differ).
	revise atomic.Bool
	served atomic.Int64
}

func newPublisher(t *testing.T) *publisherServer {
	p := &publisherServer{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.fail.Add(-1) >= 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "text/csv")
		n := int64(1)
		if p.revise.Load() {
			n = p.served.Add(1)
		}
		fmt.Fprintf(w, "name,n\na,%d\nb,2\nc,3\n", n)
	}))
	t.Cleanup(p.Close)
	publisher.Store(p)
	return p
}

// hook records webhook events.
type hook struct {
	*httptest.Server
	mu     sync.Mutex
	events []notify.Event
	// failStale answers 503 to this many stale events first.
	failStale atomic.Int32
}

func newHook(t *testing.T) *hook {
	h := &hook{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev notify.Event
		if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if ev.Type == config.EventStale && h.failStale.Add(-1) >= 0 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		h.mu.Lock()
		h.events = append(h.events, ev)
		h.mu.Unlock()
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hook) of(typ string) []notify.Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []notify.Event
	for _, e := range h.events {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// logs captures the scheduler's log lines.
type logs struct {
	mu    sync.Mutex
	lines []string
}

func (l *logs) Start(string, int64) progress.Task { return progress.Discard().Start("", 0) }
func (l *logs) Logf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf(format, args...))
}

func (l *logs) count(substr string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, s := range l.lines {
		if strings.Contains(s, substr) {
			n++
		}
	}
	return n
}

func (l *logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

type env struct {
	dir, db string
	cfg     *config.Config
	hook    *hook
	pub     *publisherServer
	now     func() time.Time
}

func newEnv(t *testing.T, spec string) *env {
	e := &env{dir: t.TempDir(), hook: newHook(t), pub: newPublisher(t)}
	e.db = filepath.Join(e.dir, "w.duckdb")
	e.cfg = &config.Config{Sources: map[string]config.SourceSpec{"test-ticks": {Schedule: spec}}}
	e.cfg.Notify.Webhook.URL = e.hook.URL
	e.cfg.Notify.Webhook.AllowHTTP = true
	e.cfg.Schedule.RetryDelay = 50 * time.Millisecond
	e.cfg.SetDefaults()
	return e
}

func (e *env) scheduler(t *testing.T, l *logs) *schedule.Scheduler {
	t.Helper()
	s, err := schedule.New(e.options(t, l))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// options are the scheduler's options, its jobs run by this test binary (see childCommand).
func (e *env) options(t *testing.T, l *logs) schedule.Options {
	t.Helper()
	if err := e.cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	spec := &childSpec{DB: e.db, Data: filepath.Join(e.dir, "data"), Config: e.cfg, Publisher: e.pub.URL}
	if e.now != nil {
		now := e.now()
		spec.Now = &now
	}
	n, err := notify.New(e.cfg.Notify)
	if err != nil {
		t.Fatal(err)
	}
	opts := childOptions(spec, l)
	opts.Notifier, opts.Child = n, childCommand(t, spec)
	return opts
}

// runUntil runs the scheduler until cond holds (or 60 s pass), then stops it as SIGTERM would.
func runUntil(t *testing.T, s *schedule.Scheduler, l *logs, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(60 * time.Second):
		t.Fatalf("Run did not return after cancel:\n%s", l)
	}
	if !cond() {
		t.Fatalf("condition not met in 60 s:\n%s", l)
	}
}

// query runs q on a copy of the warehouse (the file and its WAL), so that this process opens each
// path once: reopening a DuckDB file in one process can spin forever in DuckDB's instance cache
// (the reason the scheduler runs each job in a child process and never opens the warehouse).
func (e *env) query(t *testing.T, q string, args ...any) string {
	t.Helper()
	dir := t.TempDir()
	for _, suffix := range []string{"", ".wal"} {
		b, err := os.ReadFile(e.db + suffix)
		if errors.Is(err, os.ErrNotExist) && suffix != "" {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "w.duckdb"+suffix), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db, err := warehouse.Open(context.Background(), warehouse.Options{Path: filepath.Join(dir, "w.duckdb"), ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, strings.TrimSuffix(strings.TrimPrefix(fmt.Sprint(vals), "["), "]"))
	}
	return strings.Join(out, "; ")
}

func TestNewReportsEveryBadSchedule(t *testing.T) {
	cfg := &config.Config{Sources: map[string]config.SourceSpec{"test-ticks": {Schedule: "61 * * * *"}, "no-such-source": {}}}
	cfg.Retention.RawDays = 30
	cfg.Retention.Schedule = "TZ=Europe/London 0 3 * * *"
	cfg.SetDefaults()
	zone, _ := landing.New(t.TempDir())
	_, err := schedule.New(schedule.Options{Config: cfg, Landing: zone, Open: func(context.Context) (*warehouse.DB, error) { return nil, nil }})
	if !errors.Is(err, schedule.ErrBadSchedule) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{`sources.test-ticks.schedule: "61 * * * *"`, "sources.no-such-source: unknown source", "retention.schedule", "schedules are UTC"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	cfg = &config.Config{Sources: map[string]config.SourceSpec{"test-ticks": {Enabled: new(bool)}}}
	cfg.SetDefaults()
	if _, err := schedule.New(schedule.Options{Config: cfg, Landing: zone, Open: func(context.Context) (*warehouse.DB, error) { return nil, nil }}); !errors.Is(err, schedule.ErrNothingToSchedule) {
		t.Fatalf("nothing enabled: err = %v", err)
	}
}

func TestEntriesUseTheSourceDefaultInUTC(t *testing.T) {
	e := newEnv(t, "")
	e.now = func() time.Time { return time.Date(2026, 3, 20, 7, 0, 0, 0, time.FixedZone("BST", 3600)) }
	es := e.scheduler(t, &logs{}).Entries()
	if len(es) != 1 || es[0].Name != "ingest:test-ticks" || es[0].Spec != "0 6 * * *" || es[0].Origin != "default" ||
		!es[0].Next.Equal(time.Date(2026, 3, 20, 6, 0, 0, 0, time.UTC).Add(24*time.Hour)) {
		t.Fatalf("entries %+v", es)
	}
}

// A transient failure (503 after the fetch layer's retries) is notified, then retried with
// backoff in the same tick and loads.
func TestTransientFailureIsNotifiedAndRetried(t *testing.T) {
	e := newEnv(t, "@every 1h")
	e.pub.fail.Store(1)
	l := &logs{}
	runUntil(t, e.scheduler(t, l), l, func() bool { return len(e.hook.of(config.EventNewRelease)) == 1 })
	f := e.hook.of(config.EventFailure)
	if len(f) != 1 || f[0].Reason != sources.ReasonTransient || f[0].Source != "test-ticks" || !strings.Contains(f[0].Error, "503") {
		t.Fatalf("failure events %+v", f)
	}
	if l.count("transient failure: trying again in 50ms (retry 1 of 1)") != 1 {
		t.Errorf("log:\n%s", l)
	}
	if got := e.query(t, `SELECT status FROM meta.runs ORDER BY run_id`); got != "failed; ok" {
		t.Errorf("runs: %s", got)
	}
	if got := e.query(t, `SELECT status, reason FROM meta.loads ORDER BY load_id`); got != "failed transient; loaded <nil>" {
		t.Errorf("loads: %s", got)
	}
}

// Catch-up: after downtime spanning three daily windows, the source runs once at start; when its
// last check is after its last window, it does not run at start.
func TestMissedWindowsRunOnce(t *testing.T) {
	e := newEnv(t, "0 5 * * *")
	l := &logs{}
	runUntil(t, e.scheduler(t, l), l, func() bool { return l.count("run 1 ok") == 1 })
	db, err := warehouse.Open(context.Background(), warehouse.Options{Path: e.db})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(context.Background(), `UPDATE meta.source_state SET last_checked_at = now() - INTERVAL 3 DAY`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	l = &logs{}
	runUntil(t, e.scheduler(t, l), l, func() bool { return l.count("run 2 ok") == 1 })
	if l.count("running once now") != 1 {
		t.Errorf("log:\n%s", l)
	}
	l = &logs{}
	runUntil(t, e.scheduler(t, l), l, func() bool { return l.count("next ") == 1 })
	time.Sleep(500 * time.Millisecond)
	if got := e.query(t, `SELECT count(*) FROM meta.runs`); got != "2" {
		t.Errorf("runs after a restart with nothing missed: %s\n%s", got, l)
	}
}

// A stale source is notified once per overdue release, not on every tick.
func TestStaleIsNotifiedOnce(t *testing.T) {
	e := newEnv(t, "@every 1s")
	e.now = func() time.Time { return time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC) } // January's release held; February's overdue
	l := &logs{}
	runUntil(t, e.scheduler(t, l), l, func() bool { return l.count(" ok: ") >= 3 })
	st := e.hook.of(config.EventStale)
	if len(st) != 1 || st[0].Source != "test-ticks" || st[0].Expected != "2026-02-01" || st[0].DueBy != "2026-02-06" ||
		!strings.Contains(st[0].Summary, "test-ticks is stale") {
		t.Fatalf("stale events %+v\n%s", st, l)
	}
	if got := e.query(t, `SELECT stale_notified_for FROM meta.source_state`); !strings.HasPrefix(got, "2026-02-01") {
		t.Errorf("stale_notified_for %s", got)
	}
	if n := len(e.hook.of(config.EventNewRelease)); n != 1 {
		t.Errorf("%d new release events", n)
	}
}

// Jobs never overlap: a tick that comes while the job runs is skipped, and the runs recorded do
// not intersect.
func TestTicksNeverOverlap(t *testing.T) {
	e := newEnv(t, "@every 1s")
	l := &logs{}
	runUntil(t, e.scheduler(t, l), l, func() bool { return l.count(" ok: ") >= 3 })
	got := e.query(t, `SELECT count(*) FROM meta.runs a JOIN meta.runs b ON a.run_id < b.run_id
		AND b.started_at < a.finished_at`)
	if got != "0" {
		t.Fatalf("%s overlapping runs", got)
	}
}
