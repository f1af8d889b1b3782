// Package progress reports the progress of long tasks (downloads, loads, builds) on stderr.
//
// On a terminal a Reporter draws a progress bar per task; otherwise it prints plain lines, one when a
// task starts and one when it ends, so logs stay readable. Every line is escaped and clipped with
// safetext.Line: labels and messages quote publishers' titles, file names and cells. Results never go through this package:
// stdout carries results only.
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/cornerstone-data/cornerstone/internal/safetext"
)

// Reporter starts tasks. Implementations are safe for concurrent use.
type Reporter interface {
	// Start begins a task labelled label. total is the expected size in bytes or rows, or -1 when
	// unknown. The caller must call Done on the returned Task.
	Start(label string, total int64) Task
	// Logf prints one informational line.
	Logf(format string, args ...any)
}

// Task is one running task. Add and Done may be called from any goroutine.
type Task interface {
	// Add records n more units of progress.
	Add(n int64)
	// Done ends the task with a short outcome such as "loaded 318 rows" or "unchanged".
	Done(outcome string)
}

// New returns a Reporter writing to w. It draws bars when w is a terminal and interactive is true,
// and prints plain lines otherwise.
func New(w io.Writer, interactive bool) Reporter {
	if interactive {
		if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
			return &barReporter{w: w}
		}
	}
	return &lineReporter{w: w}
}

// Discard returns a Reporter that prints nothing.
func Discard() Reporter { return discard{} }

type discard struct{}

func (discard) Start(string, int64) Task { return discardTask{} }
func (discard) Logf(string, ...any)      {}

type discardTask struct{}

func (discardTask) Add(int64)   {}
func (discardTask) Done(string) {}

type lineReporter struct {
	mu sync.Mutex
	w  io.Writer
}

func (r *lineReporter) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintln(r.w, safetext.Line(fmt.Sprintf(format, args...)))
}

func (r *lineReporter) Start(label string, total int64) Task {
	return &lineTask{r: r, label: label, start: time.Now()}
}

type lineTask struct {
	r     *lineReporter
	label string
	start time.Time
	mu    sync.Mutex
	n     int64
	done  bool
}

func (t *lineTask) Add(n int64) {
	t.mu.Lock()
	t.n += n
	t.mu.Unlock()
}

func (t *lineTask) Done(outcome string) {
	t.mu.Lock()
	if t.done {
		t.mu.Unlock()
		return
	}
	t.done = true
	t.mu.Unlock()
	t.r.Logf("%s: %s (%s)", t.label, outcome, time.Since(t.start).Round(time.Millisecond))
}

type barReporter struct {
	mu sync.Mutex
	w  io.Writer
}

func (r *barReporter) Logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintln(r.w, safetext.Line(fmt.Sprintf(format, args...)))
}

func (r *barReporter) Start(label string, total int64) Task {
	opts := []progressbar.Option{
		progressbar.OptionSetWriter(r.w),
		progressbar.OptionSetDescription(safetext.Clip(safetext.Terminal(label), 200)),
		progressbar.OptionThrottle(100 * time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetWidth(30),
	}
	if total > 0 {
		opts = append(opts, progressbar.OptionShowBytes(true))
	} else {
		opts = append(opts, progressbar.OptionSpinnerType(14))
	}
	return &barTask{r: r, label: label, start: time.Now(), bar: progressbar.NewOptions64(total, opts...)}
}

type barTask struct {
	r     *barReporter
	label string
	start time.Time
	bar   *progressbar.ProgressBar
	once  sync.Once
}

func (t *barTask) Add(n int64) { _ = t.bar.Add64(n) }

func (t *barTask) Done(outcome string) {
	t.once.Do(func() {
		_ = t.bar.Finish()
		t.r.Logf("%s: %s (%s)", t.label, outcome, time.Since(t.start).Round(time.Millisecond))
	})
}

// CountingWriter adds every write's length to a Task; use it with io.TeeReader or io.MultiWriter.
type CountingWriter struct{ Task Task }

// Write records len(p) bytes of progress and never fails.
func (c CountingWriter) Write(p []byte) (int, error) {
	c.Task.Add(int64(len(p)))
	return len(p), nil
}
