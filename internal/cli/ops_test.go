package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
)

// The operations tests: the scheduler, the single-writer lock and the silent-failure guards, run
// against the demo sample served on loopback as a mirror of the publishers.

var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	execWithFileSizeLimit()
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// binary builds cmd/cornerstone once for the package's subprocess tests.
func binary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary; skipped with -short")
	}
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "cornerstone-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "cornerstone")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/cornerstone-data/cornerstone/cmd/cornerstone").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// mirror serves the demo sample like the publishers' servers, except for the URLs given an
// override, and can delay the la-register file (to hold a load open).
type mirror struct {
	*httptest.Server
	sample *demo.Sample
	mu     sync.Mutex
	over   map[string]http.HandlerFunc // by sample key
	delay  time.Duration
}

func newMirror(t *testing.T) *mirror {
	t.Helper()
	s, err := demo.Generate()
	if err != nil {
		t.Fatal(err)
	}
	m := &mirror{sample: s, over: map[string]http.HandlerFunc{}}
	h := s.Handler()
	regKey, _ := demo.Key(demo.RegisterURL)
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := strings.TrimPrefix(r.URL.EscapedPath(), "/")
		m.mu.Lock()
		f, d := m.over[key], m.delay
		m.mu.Unlock()
		if key == regKey && d > 0 {
			time.Sleep(d)
		}
		if f != nil {
			f(w, r)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(m.Close)
	return m
}

func (m *mirror) setDelay(d time.Duration) {
	m.mu.Lock()
	m.delay = d
	m.mu.Unlock()
}

// serveRegister makes the la-register file answer 200 with body, modified at mod, ignoring
// conditional requests (like a cache serving whatever it holds).
func (m *mirror) serveRegister(contentType, body string, mod time.Time) {
	key, _ := demo.Key(demo.RegisterURL)
	m.mu.Lock()
	defer m.mu.Unlock()
	m.over[key] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Last-Modified", mod.UTC().Format(http.TimeFormat))
		w.Header().Set("Content-Length", fmt.Sprint(len(body)))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			w.Write([]byte(body))
		}
	}
}

func (m *mirror) registerBody(t *testing.T) string {
	t.Helper()
	key, _ := demo.Key(demo.RegisterURL)
	f, ok := m.sample.Files[key]
	if !ok {
		t.Fatalf("the demo sample has no %s", key)
	}
	return string(f.Body)
}

// lockedBuffer is a bytes.Buffer safe to read while a subprocess writes to it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// webhook records every event posted to it.
type webhook struct {
	*httptest.Server
	mu     sync.Mutex
	events []map[string]any
}

func newWebhook(t *testing.T) *webhook {
	t.Helper()
	h := &webhook{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev map[string]any
		if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		h.mu.Lock()
		h.events = append(h.events, ev)
		h.mu.Unlock()
	}))
	t.Cleanup(h.Close)
	return h
}

// take returns and forgets the events received so far.
func (h *webhook) take() []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.events
	h.events = nil
	return out
}

// writeConfig writes a config file that fetches through the mirror, enables only la-register
// (with the extra TOML appended) and posts notifications to hook ("" for none).
func writeConfig(t *testing.T, dir, mirrorURL, hook, extra string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "[fetch]\nmirror = %q\nretries = -1\n\n", mirrorURL)
	if hook != "" {
		fmt.Fprintf(&b, "[notify.webhook]\nurl = %q\nallow_http = true\n\n", hook)
	}
	for _, id := range sources.Names() {
		if id != "la-register" {
			fmt.Fprintf(&b, "[sources.%s]\nenabled = false\n\n", id)
		}
	}
	b.WriteString(extra)
	p := filepath.Join(dir, "cornerstone.toml")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func openRO(t *testing.T, db string) *warehouse.DB {
	t.Helper()
	w, err := warehouse.Open(context.Background(), warehouse.Options{Path: db, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// Must show 3: every silent-failure case fails the load with its reason, changes no data, and
// sends a webhook notification naming the source and the reason.
func TestSilentFailuresFailLoudly(t *testing.T) {
	dir := t.TempDir()
	m := newMirror(t)
	hook := newWebhook(t)
	cfg := writeConfig(t, dir, m.URL, hook.URL, "")
	db := filepath.Join(dir, "w.duckdb")
	ingest := func() (int, string) {
		code, _, stderr := run(t, "ingest", "la-register", "--no-build", "--config", cfg, "--db", db, "--data", filepath.Join(dir, "data"))
		return code, stderr
	}
	if code, stderr := ingest(); code != 0 {
		t.Fatalf("first ingest exit %d:\n%s", code, stderr)
	}
	var first map[string]any
	for _, ev := range hook.take() {
		if ev["type"] == "new_release" && ev["dataset"] == "uk-local-authorities" {
			first = ev
		}
	}
	if first == nil || first["source"] != "la-register" || first["rows"].(float64) < 10 {
		t.Fatalf("no new_release event for the register: %v", first)
	}
	before := dataStats(t, db)
	full := m.registerBody(t)
	lines := strings.SplitAfter(full, "\n")
	newer := time.Date(2026, 4, 2, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		reason, contentType, body string
		mod                       time.Time
		says                      string
	}{
		{sources.ReasonHTMLPage, "text/html; charset=utf-8",
			"<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form action=\"/login\"></form></body></html>\n", newer,
			"HTML page instead of data"},
		{sources.ReasonEmpty, "text/csv", "", newer, "empty body"},
		{sources.ReasonRowCollapse, "text/csv", lines[0] + lines[1], newer, "row count collapsed"},
		{sources.ReasonOlderRelease, "text/csv", full + "\n", time.Date(2024, 4, 2, 0, 0, 0, 0, time.UTC),
			"older than"},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			m.serveRegister(tc.contentType, tc.body, tc.mod)
			code, stderr := ingest()
			if code != 1 {
				t.Fatalf("exit %d, want 1:\n%s", code, stderr)
			}
			if !strings.Contains(stderr, tc.says) || !strings.Contains(stderr, "la-register") {
				t.Errorf("stderr does not say %q about la-register:\n%s", tc.says, stderr)
			}
			if after := dataStats(t, db); after != before {
				t.Errorf("a refused load changed data:\n%s\n%s", before, after)
			}
			w := openRO(t, db)
			var status, reason, msg string
			if err := w.QueryRow(context.Background(), `SELECT status, reason, error FROM meta.loads
				WHERE source = 'la-register' AND status = 'failed' ORDER BY load_id DESC LIMIT 1`).Scan(&status, &reason, &msg); err != nil {
				t.Fatal(err)
			}
			w.Close()
			if status != sources.StatusFailed || reason != tc.reason || !strings.Contains(msg, tc.says) {
				t.Errorf("meta.loads: %s %s %q", status, reason, msg)
			}
			var got []map[string]any
			for _, ev := range hook.take() {
				if ev["type"] == "failure" {
					got = append(got, ev)
				}
			}
			if len(got) != 1 || got[0]["source"] != "la-register" || got[0]["reason"] != tc.reason ||
				!strings.Contains(fmt.Sprint(got[0]["error"]), tc.says) || !strings.Contains(fmt.Sprint(got[0]["text"]), tc.reason) {
				t.Errorf("webhook failure events: %v", got)
			}
		})
	}
	t.Run("runs shows the failures and their reasons", func(t *testing.T) {
		code, out, stderr := run(t, "runs", "--db", db, "--format", "json", "--limit", "4")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var runs []struct {
			Status string `json:"status"`
			Loads  []struct {
				Status, Reason string
			} `json:"loads"`
		}
		if err := json.Unmarshal([]byte(out), &runs); err != nil {
			t.Fatal(err)
		}
		var reasons []string
		for _, r := range runs {
			if r.Status != "failed" {
				t.Errorf("run status %s", r.Status)
			}
			for _, l := range r.Loads {
				if l.Status == "failed" {
					reasons = append(reasons, l.Reason)
				}
			}
		}
		if strings.Join(reasons, ",") != "older_release,row_collapse,empty_file,html_page" {
			t.Errorf("failed loads, newest first: %v", reasons)
		}
		_, table, _ := run(t, "runs", "--db", db)
		if !strings.Contains(table, "FAILED (html_page)") {
			t.Errorf("runs table lacks the reason:\n%s", table)
		}
	})
}

// Must show 2: two concurrent ingests: one loads, the other exits 1 naming the lock holder, and
// the warehouse is consistent after both.
func TestConcurrentIngestsOneWriter(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	m := newMirror(t)
	m.setDelay(1500 * time.Millisecond) // the winner holds the lock while it fetches
	cfg := writeConfig(t, dir, m.URL, "", "")
	db := filepath.Join(dir, "w.duckdb")
	type proc struct {
		cmd            *exec.Cmd
		stdout, stderr bytes.Buffer
		code           int
	}
	var ps [2]*proc
	for i := range ps {
		p := &proc{}
		p.cmd = exec.Command(bin, "ingest", "la-register", "--no-build", "--config", cfg, "--db", db, "--data", filepath.Join(dir, "data"))
		p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
		ps[i] = p
	}
	for _, p := range ps {
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range ps {
		err := p.cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			p.code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
	}
	winner, loser := ps[0], ps[1]
	if winner.code != 0 {
		winner, loser = loser, winner
	}
	if winner.code != 0 || loser.code != 1 {
		t.Fatalf("exit codes %d and %d, want 0 and 1:\n%s\n%s", ps[0].code, ps[1].code, ps[0].stderr.String(), ps[1].stderr.String())
	}
	msg := loser.stderr.String()
	t.Logf("refused ingest: %s", msg)
	for _, want := range []string{"is locked by", fmt.Sprintf("pid %d", winner.cmd.Process.Pid), "(cornerstone ingest la-register", " since 20"} {
		if !strings.Contains(msg, want) {
			t.Errorf("the refused ingest does not say %q:\n%s", want, msg)
		}
	}
	// Consistent: one load of the register, every row of the published file, no run left running,
	// and a second ingest finds nothing new.
	w := openRO(t, db)
	ctx := context.Background()
	var loaded, rows, running int
	var held int64
	if err := w.QueryRow(ctx, `SELECT count(*) FROM meta.loads WHERE source = 'la-register' AND dataset = 'uk-local-authorities' AND status = 'loaded'`).Scan(&loaded); err != nil {
		t.Fatal(err)
	}
	w.QueryRow(ctx, `SELECT count(*) FROM raw.la_register`).Scan(&rows)
	w.QueryRow(ctx, `SELECT rows FROM meta.releases WHERE source = 'la-register' AND dataset = 'uk-local-authorities'`).Scan(&held)
	w.QueryRow(ctx, `SELECT count(*) FROM meta.runs WHERE status = 'running' OR finished_at IS NULL`).Scan(&running)
	w.Close()
	want := strings.Count(strings.TrimSpace(m.registerBody(t)), "\n") // data rows below the header
	if loaded != 1 || rows != want || held != int64(want) || running != 0 {
		t.Fatalf("loads %d, raw rows %d, release rows %d (want %d), runs running %d", loaded, rows, held, want, running)
	}
	m.setDelay(0)
	out, err := exec.Command(bin, "ingest", "la-register", "--no-build", "--config", cfg, "--db", db, "--data", filepath.Join(dir, "data")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "0 failed") {
		t.Fatalf("ingest after both: %v\n%s", err, out)
	}
}

// Must show 1: a schedule of @every 2s against the loopback mirror runs at least three times in
// 10 s without overlap, records each run, lets readers in between jobs, and exits 0 on SIGTERM.
func TestScheduleEveryTwoSeconds(t *testing.T) {
	bin := binary(t)
	dir := t.TempDir()
	m := newMirror(t)
	hook := newWebhook(t)
	cfg := writeConfig(t, dir, m.URL, hook.URL, "[sources.la-register]\nschedule = \"@every 2s\"\n\n[schedule]\nretries = -1\n")
	db := filepath.Join(dir, "w.duckdb")
	args := []string{"--config", cfg, "--db", db, "--data", filepath.Join(dir, "data"), "--out", filepath.Join(dir, "site")}

	// An earlier session of the scheduler loaded the register and built the models: what is timed
	// is the schedule, not the first load.
	{
		var log lockedBuffer
		cmd := exec.Command(bin, append([]string{"schedule"}, args...)...)
		cmd.Stderr = &log
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(90 * time.Second); !strings.Contains(log.String(), "run 1 ok") && time.Now().Before(deadline); {
			time.Sleep(100 * time.Millisecond)
		}
		cmd.Process.Signal(syscall.SIGTERM)
		if err := cmd.Wait(); err != nil || !strings.Contains(log.String(), "run 1 ok") {
			t.Fatalf("first session: %v\n%s", err, log.String())
		}
	}
	if evs := hook.take(); len(evs) == 0 || evs[0]["type"] != "new_release" {
		t.Fatalf("the first session's notifications: %v", evs)
	}

	out, err := exec.Command(bin, append([]string{"schedule", "--list"}, args...)...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ingest:la-register  @every 2s") {
		t.Fatalf("schedule --list: %v\n%s", err, out)
	}

	var stderr lockedBuffer
	cmd := exec.Command(bin, append([]string{"schedule"}, args...)...)
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Readers get in between jobs: poll `sql` until it answers (a busy answer must say so).
	readOK := false
	for time.Since(start) < 9*time.Second && !readOK {
		time.Sleep(300 * time.Millisecond)
		out, err := exec.Command(bin, "sql", "--db", db, "--format", "csv", "select count(*) from meta.runs").CombinedOutput()
		switch {
		case err == nil:
			readOK = true
		case !strings.Contains(string(out), "busy") && !strings.Contains(string(out), "no warehouse"):
			t.Errorf("sql while the scheduler runs: %v\n%s", err, out)
		}
	}
	if d := 10*time.Second - time.Since(start); d > 0 {
		time.Sleep(d)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("schedule after SIGTERM: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("schedule did not stop after SIGTERM:\n%s", stderr.String())
	}
	if !readOK {
		t.Errorf("sql never got in between jobs")
	}
	log := stderr.String()
	t.Logf("scheduler log:\n%s", log)
	if !strings.Contains(log, "schedule: stopped") {
		t.Errorf("log lacks the stop:\n%s", log)
	}

	w := openRO(t, db)
	rows, err := w.Query(context.Background(), `SELECT run_id, started_at, finished_at, status FROM meta.runs
		WHERE command = 'cornerstone schedule: ingest la-register' AND run_id > 1 ORDER BY started_at`)
	if err != nil {
		t.Fatal(err)
	}
	type runRow struct {
		id       int64
		from, to time.Time
		status   string
	}
	var runs []runRow
	for rows.Next() {
		var r runRow
		var to sql.NullTime
		if err := rows.Scan(&r.id, &r.from, &to, &r.status); err != nil {
			t.Fatal(err)
		}
		if !to.Valid {
			t.Errorf("run %d has no end", r.id)
		}
		r.to = to.Time
		runs = append(runs, r)
	}
	rows.Close()
	if len(runs) < 3 {
		t.Fatalf("%d scheduled runs in 10 s, want at least 3:\n%s", len(runs), log)
	}
	for i, r := range runs {
		if r.status != "ok" && !(i == len(runs)-1 && r.status == "interrupted") {
			t.Errorf("run %d: %s", r.id, r.status)
		}
		if i > 0 && r.from.Before(runs[i-1].to) {
			t.Errorf("run %d started %s before run %d ended %s", r.id, r.from, runs[i-1].id, runs[i-1].to)
		}
	}
	var loads int
	w.QueryRow(context.Background(), `SELECT count(*) FROM meta.loads WHERE source = 'la-register' AND status = 'loaded' AND dataset = 'uk-local-authorities'`).Scan(&loads)
	if loads != 1 {
		t.Errorf("the register was loaded %d times; the scheduled runs must find it unchanged", loads)
	}
	if evs := hook.take(); len(evs) != 0 {
		t.Errorf("notifications for runs that found nothing new: %v", evs)
	}
}
