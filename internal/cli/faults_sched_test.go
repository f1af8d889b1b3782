package cli

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// The fault matrix's rows for the scheduler, the notifications and the run ledger (issue #20):
// each runs real processes of the built binary (faultCase.proc), a scheduler beside a reader or
// a second scheduler, a webhook that never answers or redirects elsewhere, a full disk.

// proc is a process of the built binary whose stderr can be read while it runs.
type proc struct {
	cmd    *exec.Cmd
	stderr lockedBuffer
	done   chan error
}

func startProc(t *testing.T, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, args...), done: make(chan error, 1)}
	p.cmd.Stderr = &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	return p
}

// waitFor waits until stderr has n lines containing s; it reports whether they came in time.
func (p *proc) waitFor(s string, n int, within time.Duration) bool {
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if strings.Count(p.stderr.String(), s) >= n {
			return true
		}
	}
	return false
}

// stop sends SIGTERM and returns the exit code (-1 when the process had to be killed after 60 s).
func (p *proc) stop() int {
	p.cmd.Process.Signal(syscall.SIGTERM)
	return p.wait(60 * time.Second)
}

func (p *proc) wait(within time.Duration) int {
	select {
	case err := <-p.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			return -1
		}
		return 0
	case <-time.After(within):
		p.cmd.Process.Kill()
		<-p.done
		return -1
	}
}

// lineWith returns the first line of s containing sub ("" when none).
func lineWith(s, sub string) string {
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	return ""
}

// silentWebhook accepts connections and never answers; its URL has a secret path.
func silentWebhook(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var held []net.Conn
	t.Cleanup(func() {
		ln.Close()
		for _, c := range held {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	return "http://" + ln.Addr().String() + webhookSecret
}

const webhookSecret = "/services/T000/SECRETPATH"

// schedConfig writes a config of the mirror with only the CSV source enabled, and extra TOML.
func schedConfig(t *testing.T, e *faultEnv, name, extra string) string {
	return enabledConfig(t, filepath.Join(e.dir, name), e.m.URL, []string{csvSource}, "\n"+extra)
}

func unavailable(w http.ResponseWriter, r *http.Request) {
	http.Error(w, "upstream unavailable", http.StatusServiceUnavailable)
}

func schedulerFaultCases(t *testing.T, m *mirror) []faultCase {
	bin := binary(t)
	return []faultCase{
		{name: "scheduler-job-cycles", target: csvSource, builds: true,
			fault: "`schedule` runs the CSV source every second while its URL answers 503: five jobs back to back, each opening the warehouse, recording its failed run, building the models and closing it (each in its own process), then SIGTERM; the data compared is the loads' (raw, meta), the models being rebuilt",
			setup: func(t *testing.T, e *faultEnv) ([]string, func()) {
				e.m.override(t, csvFile, unavailable)
				cfg := schedConfig(t, e, "every-second.toml", "[sources."+csvSource+"]\nschedule = \"@every 1s\"\n\n[schedule]\nretries = -1\n")
				return []string{"schedule", "--no-report", "--config", cfg}, nil
			},
			proc: func(t *testing.T, e *faultEnv, args []string) (int, string, string, []string) {
				p := startProc(t, bin, args...)
				var fails []string
				if !p.waitFor("schedule: ingest:"+csvSource+": run ", 5, 3*time.Minute) {
					fails = append(fails, "fewer than five jobs in 3 minutes (a hang?)")
				}
				code := p.stop()
				return code, p.stderr.String(), "five jobs ran and recorded their failure; the log ends schedule: stopped on SIGTERM", fails
			},
			code: 0, says: []string{"ingest:" + csvSource + ": starting", "503", "schedule: stopped"}},
		{name: "second-scheduler", target: csvSource,
			fault: "a second `schedule` starts on the warehouse while one runs",
			setup: func(t *testing.T, e *faultEnv) ([]string, func()) {
				cfg := schedConfig(t, e, "idle.toml", "[schedule]\ncatch_up = false\n")
				return []string{"schedule", "--no-report", "--config", cfg}, nil
			},
			proc: func(t *testing.T, e *faultEnv, args []string) (int, string, string, []string) {
				first := startProc(t, bin, args...)
				var fails []string
				if !first.waitFor("next ", 1, 60*time.Second) {
					fails = append(fails, "the first scheduler did not start:\n"+first.stderr.String())
				}
				second := startProc(t, bin, args...)
				code := second.wait(60 * time.Second)
				if first.stop() != 0 || !strings.Contains(first.stderr.String(), "schedule: stopped") {
					fails = append(fails, "the first scheduler did not go on and stop cleanly:\n"+first.stderr.String())
				}
				return code, second.stderr.String(), "", fails
			},
			code: 1, says: []string{"already scheduled", "is scheduled by pid", "(cornerstone schedule)", "stop that scheduler first"}},
		{name: "webhook-never-answers", target: csvSource,
			fault: "the CSV URL answers 503 and the webhook accepts the failure notification and never answers (notify.deadline 3s): `sql` run as soon as the run's summary is printed opens the warehouse within 1 s while the ingest still waits for the webhook; no line shows the webhook's path",
			setup: func(t *testing.T, e *faultEnv) ([]string, func()) {
				e.m.override(t, csvFile, unavailable)
				cfg := schedConfig(t, e, "silent-hook.toml", fmt.Sprintf("[notify]\ndeadline = \"3s\"\n[notify.webhook]\nurl = %q\nallow_http = true\n", silentWebhook(t)))
				return []string{"ingest", csvSource, "--no-build", "--config", cfg}, nil
			},
			proc: func(t *testing.T, e *faultEnv, args []string) (int, string, string, []string) {
				p := startProc(t, bin, args...)
				var fails []string
				if !p.waitFor("\nrun ", 1, 90*time.Second) {
					fails = append(fails, "no run summary:\n"+p.stderr.String())
				}
				jobEnd := time.Now()
				out, err := exec.Command(bin, "sql", "--db", e.db, "--format", "csv", "SELECT status FROM meta.runs ORDER BY run_id DESC LIMIT 1").CombinedOutput()
				took := time.Since(jobEnd)
				waiting := len(p.done) == 0 // the ingest still waits for the webhook
				code := p.wait(60 * time.Second)
				stderr := p.stderr.String()
				t.Logf("sql after the run's end: %s (%v) in %s, the ingest still notifying: %v", bytes.TrimSpace(out), err, took, waiting)
				if err != nil || !strings.Contains(string(out), "failed") {
					fails = append(fails, fmt.Sprintf("sql right after the run's end: %v\n%s", err, out))
				}
				if !waiting {
					fails = append(fails, "the ingest had ended before sql ran: the case proves nothing")
				}
				if took > time.Second {
					fails = append(fails, fmt.Sprintf("sql took %s after the run's end (want within 1 s)", took))
				}
				if strings.Contains(stderr, "SECRETPATH") {
					fails = append(fails, "stderr shows the webhook's path")
				}
				return code, stderr, errorLine(lineWith(stderr, "notification")), fails
			},
			code: 1, says: []string{csvSource, "503", "sending the failure notification to http://127.0.0.1:", "/…"}},
		{name: "webhook-redirect", target: csvSource,
			fault: "the CSV URL answers 503 and the webhook answers 307 to another host, with a secret header configured: the other host receives no request; no line shows the webhook's path or header",
			setup: func(t *testing.T, e *faultEnv) ([]string, func()) {
				e.m.override(t, csvFile, unavailable)
				elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { received.Add(1) }))
				other := strings.Replace(elsewhere.URL, "127.0.0.1", "localhost", 1)
				hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, other+"/collect", http.StatusTemporaryRedirect)
				}))
				cfg := schedConfig(t, e, "redirect-hook.toml", fmt.Sprintf("[notify.webhook]\nurl = %q\nallow_http = true\nheaders = { X-Api-Key = \"k3y-SECRET\" }\n", hook.URL+webhookSecret))
				received.Store(0)
				return []string{"ingest", csvSource, "--no-build", "--config", cfg}, func() { hook.Close(); elsewhere.Close() }
			},
			proc: func(t *testing.T, e *faultEnv, args []string) (int, string, string, []string) {
				code, _, stderr := run(t, args...)
				var fails []string
				if n := received.Load(); n != 0 {
					fails = append(fails, fmt.Sprintf("the other host received %d requests", n))
				}
				if strings.Contains(stderr, "SECRET") {
					fails = append(fails, "stderr shows the webhook's path or header")
				}
				return code, stderr, errorLine(lineWith(stderr, "notification")), fails
			},
			code: 1, says: []string{csvSource, "503", "webhook redirect refused", "localhost"}},
		{name: "disk-full-run-end", target: csvSource, loads: true,
			fault: "the disk fills between the load's commit and the run's end (RLIMIT_FSIZE set, by bisection, just above the WAL the load leaves): the run's end cannot be written; the next command records the run",
			proc: func(t *testing.T, e *faultEnv, args []string) (int, string, string, []string) {
				code, stderr, ok := diskFullAfterLoad(t, bin, e, args)
				if !ok {
					return code, stderr, "", []string{"no file size limit lets the load commit and fails the run's end"}
				}
				// The next writer (an unchanged la-register: no data changes) records the run.
				cfg := enabledConfig(t, filepath.Join(e.dir, "register.toml"), e.m.URL, []string{"la-register"}, "")
				if out, err := exec.Command(bin, "ingest", "la-register", "--no-build", "-q", "--config", cfg, "--db", e.db, "--data", filepath.Join(e.dir, "data")).CombinedOutput(); err != nil {
					return code, stderr, "", []string{fmt.Sprintf("the next ingest: %v\n%s", err, out)}
				}
				status, msg := runRecord(t, bin, e.db, csvSource)
				var fails []string
				if status != "failed" || !strings.Contains(msg, "File too large") {
					fails = append(fails, fmt.Sprintf("the run as recorded: %s %q", status, msg))
				}
				return code, stderr, "recorded " + status + ": " + errorLine(msg), fails
			},
			code: 1, says: []string{"recording run end", "too large"}},
	}
}

// diskFullAfterLoad runs the case's command under RLIMIT_FSIZE limits chosen by bisection until
// one lets the load commit and fails the run's end (the status stays "running"), restoring the
// warehouse and landing zone before each try. It returns that run's exit code and stderr.
func diskFullAfterLoad(t *testing.T, bin string, e *faultEnv, args []string) (code int, stderr string, ok bool) {
	orig := e.db + ".orig"
	copyFile(t, e.db, orig)
	for lo, hi := 16<<10, 1<<20; lo < hi; {
		limit := (lo + hi) / 2
		for _, p := range []string{e.db + ".wal", warehouse.LockPath(e.db), filepath.Join(e.dir, "data")} {
			os.RemoveAll(p)
		}
		copyFile(t, orig, e.db)
		cmd := exec.Command(os.Args[0], append([]string{bin}, args...)...)
		cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d", fsizeEnv, limit))
		var eb bytes.Buffer
		cmd.Stderr = &eb
		code = 0
		var ee *exec.ExitError
		if err := cmd.Run(); errors.As(err, &ee) {
			code = ee.ExitCode()
		}
		switch status, _ := runRecord(t, bin, e.db, csvSource); status {
		case "running":
			t.Logf("RLIMIT_FSIZE %d: the load committed, the run's end was not written", limit)
			return code, eb.String(), true
		case "ok":
			hi = limit
		default: // the load failed: the limit is below what it needs
			lo = limit + 1
		}
	}
	return code, "", false
}

// runRecord returns the status and error of the last run of `ingest <source>` in db, read by the
// binary's `sql` (this process must not open db again: see pipeline/schedule).
func runRecord(t *testing.T, bin, db, source string) (status, msg string) {
	out, err := exec.Command(bin, "sql", "--db", db, "--format", "csv",
		"SELECT status, coalesce(error, '') FROM meta.runs WHERE command LIKE 'cornerstone ingest "+source+"%' ORDER BY run_id DESC LIMIT 1").Output()
	if err != nil {
		t.Fatalf("reading the run: %v", err)
	}
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil || len(recs) < 2 {
		return "", ""
	}
	return recs[1][0], recs[1][1]
}

// stats is dataStats, reduced to what loads write when the case's command builds models.
func (c faultCase) stats(t *testing.T, db string) string { return c.reduce(dataStats(t, db)) }

// reduce keeps, of dataStats or rowCounts lines, what loads write when the case's command builds
// models: raw tables, and meta but the model registry.
func (c faultCase) reduce(stats string) string {
	if !c.builds {
		return stats
	}
	var b strings.Builder
	for _, l := range strings.SplitAfter(stats, "\n") {
		if strings.HasPrefix(l, "raw.") || strings.HasPrefix(l, "meta.") && !strings.HasPrefix(l, "meta.models ") {
			b.WriteString(l)
		}
	}
	return b.String()
}

// received counts the requests the webhook-redirect case's other host got.
var received atomic.Int32
