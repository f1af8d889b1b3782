package schedule

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"sync"
	"syscall"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/notify"
	"github.com/cornerstone-data/cornerstone/sources"
)

// The scheduler's side of a job: a child process per attempt, its log forwarded, its result read.

// killDelay is how long a job's process has after SIGTERM (it rolls back and exits at once)
// before it is killed.
const killDelay = 30 * time.Second

// maxResult bounds the JSON a job's process may write on stdout.
const maxResult = 8 << 20

// runJob runs one tick of e, with the retries for transient failures.
func (s *Scheduler) runJob(e *Entry) {
	retries := s.cfg.Schedule.Retries
	if retries < 0 {
		retries = 0
	}
	delay := s.cfg.Schedule.RetryDelay
	for attempt := 0; ; attempt++ {
		if s.root.Err() != nil {
			return
		}
		transient := s.tryOnce(e)
		if !transient || attempt >= retries || s.root.Err() != nil {
			return
		}
		s.logf("%s: transient failure: trying again in %s (retry %d of %d)", e.Name, delay, attempt+1, retries)
		if !sleep(s.root, delay) {
			return
		}
		delay *= 2
	}
}

// tryOnce runs e once in a child process, holding the one-job-at-a-time slot, and queues the
// notifications it raised. It reports whether the job failed and every failure was transient.
func (s *Scheduler) tryOnce(e *Entry) (transient bool) {
	select {
	case s.sem <- struct{}{}:
	case <-s.root.Done():
		return false
	}
	defer func() { <-s.sem }()
	s.logf("%s: starting", e.Name)
	start := time.Now()
	res, err := s.spawn(s.jobCtx, e.Name)
	if err != nil {
		if s.jobCtx.Err() != nil {
			s.logf("%s: interrupted: %v", e.Name, err)
			return false
		}
		s.logf("%s: FAILED: %v", e.Name, err)
		s.outbox.post(e.Source, notify.Event{Type: config.EventFailure, Source: e.Source, Step: e.Name, Reason: sources.ReasonError,
			Summary: fmt.Sprintf("%s failed: its process ended without a result", e.Name), Error: err.Error(), Command: e.Command(), Time: s.now()})
		return false
	}
	s.logf("%s: done in %s, the warehouse released (%d notifications to send)", e.Name, time.Since(start).Round(time.Millisecond), len(res.Events))
	s.outbox.post(e.Source, res.Events...)
	return res.Retry
}

// ErrJobProcess means a job's process ended without reporting a result (it crashed, or was
// killed).
var ErrJobProcess = errors.New("the job's process ended without a result")

// spawn runs job in a child process (Options.Child) until it exits, forwarding its log line by
// line, and returns the result it wrote. Cancelling ctx sends the process SIGTERM (it rolls back
// and reports); one that has not exited killDelay later is killed. The process has a process
// group of its own, so a Ctrl-C at the terminal reaches the scheduler only, which honours
// schedule.shutdown_grace.
func (s *Scheduler) spawn(ctx context.Context, job string) (*JobResult, error) {
	argv := s.opts.Child(job)
	if len(argv) == 0 {
		return nil, errors.New("schedule: Options.Child gave no command")
	}
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = killDelay
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out := &limitedBuffer{max: maxResult}
	log := &lineWriter{logf: s.opts.Progress.Logf}
	cmd.Stdout, cmd.Stderr = out, log
	err := cmd.Run()
	log.flush()
	var res JobResult
	if jerr := json.Unmarshal(out.Bytes(), &res); jerr != nil || res.Job != job {
		if err == nil {
			err = fmt.Errorf("its output is not a result (%v)", jerr)
		}
		return nil, fmt.Errorf("%s: %w: %w", job, ErrJobProcess, err)
	}
	if err != nil && ctx.Err() == nil {
		s.logf("%s: the job's process: %v", job, err)
	}
	return &res, nil
}

// limitedBuffer keeps the first max bytes written to it and drops the rest.
type limitedBuffer struct {
	bytes.Buffer
	max int
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := b.max - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// maxLogLine bounds one forwarded log line.
const maxLogLine = 16 << 10

// lineWriter passes each complete line written to it to logf (a long one cut at maxLogLine).
type lineWriter struct {
	mu   sync.Mutex
	logf func(format string, args ...any)
	buf  []byte
	cut  bool // the current line was cut already
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range p {
		if c == '\n' {
			w.emit()
			continue
		}
		if len(w.buf) < maxLogLine {
			w.buf = append(w.buf, c)
		} else if !w.cut {
			w.buf = append(w.buf, "… (line cut)"...)
			w.cut = true
		}
	}
	return len(p), nil
}

func (w *lineWriter) emit() {
	w.logf("%s", w.buf)
	w.buf, w.cut = w.buf[:0], false
}

// flush passes on a last line that had no newline.
func (w *lineWriter) flush() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) > 0 {
		w.emit()
	}
}
