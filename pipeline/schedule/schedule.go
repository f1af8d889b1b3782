// Package schedule runs Cornerstone as a long-lived process (`cornerstone schedule`): each enabled
// source is ingested on its own cron schedule (UTC) with github.com/robfig/cron/v3, followed by
// the models downstream of it and, when something new was loaded, the site.
//
// Contracts:
//   - Schedules come from [sources.<id>] schedule in the config file, else the source's default
//     (sources.Info.Schedule, matched to its publisher's release cycle); every spec is checked
//     when the Scheduler is made and all problems are reported at once.
//   - Nothing runs twice: a job whose previous run is still going skips its tick
//     (cron.SkipIfStillRunning), and jobs run one at a time, because the warehouse has one writer.
//     A panic in a job is recovered and logged (cron.Recover); the job runs again at its next tick.
//     A second scheduler on the same warehouse refuses to start, naming the first (the lock file
//     PATH.schedule.lock).
//   - Each job runs in a child process of the same binary (Options.Child; the CLI runs
//     `cornerstone schedule --job NAME`), which opens the warehouse, runs the job, closes it and
//     exits. The scheduler itself never opens the warehouse: reopening a DuckDB file in one
//     process after a job can spin forever in DuckDB's instance cache, and a process boundary
//     also contains a crash to its job. Analysts can query between jobs. When another process
//     holds the warehouse (an analyst's `ingest`), the job waits up to schedule.lock_wait, then
//     fails loudly (log and failure notification) until its next tick.
//   - Catch-up: at start, each source whose last check (meta.source_state) is older than its
//     previous scheduled time, or that was never checked, runs once, however many windows were
//     missed.
//   - Retries: a job whose failures are all transient (network errors, 5xx after the fetch layer's
//     own retries with backoff, a busy warehouse) is tried again after schedule.retry_delay,
//     doubling per retry, up to schedule.retries times.
//   - Every job is a run in meta.runs; failures, new releases and stale sources are sent to the
//     configured notifications after the job's process has ended (the warehouse is released), in
//     the background, each job's within notify.deadline: a channel that never answers delays no
//     job. A stale notification that could not be delivered is sent again after the source's
//     next job.
//   - Shutdown: when the context passed to Run is cancelled (SIGTERM, SIGINT), no new job starts;
//     the running one gets SIGTERM after schedule.shutdown_grace (default at once) and its current
//     transaction rolls back; the notifications queued get notify.deadline; Run then returns nil.
//   - Retention: when [retention] sets a number of days, the policy is applied on
//     retention.schedule as a job of its own ("prune").
package schedule

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/notify"
	"github.com/cornerstone-data/cornerstone/internal/progress"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline/plan"
	"github.com/cornerstone-data/cornerstone/reports/site"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
	"github.com/cornerstone-data/cornerstone/sources/landing"
)

var (
	// ErrNothingToSchedule means no enabled source has a schedule and retention is off.
	ErrNothingToSchedule = errors.New("nothing to schedule")
	// ErrBadSchedule wraps every invalid schedule found at start.
	ErrBadSchedule = errors.New("invalid schedule")
)

// Options is what a Scheduler needs. Config, Open and Landing are required; Run also needs Child.
type Options struct {
	// Config supplies the schedules, retries, lock wait, notifications and retention.
	Config *config.Config
	// Child returns the command line (program first) of a child process that runs the job named
	// (an Entry's Name, or StartJob): a process that makes a Scheduler with the same options and
	// writes the JSON of Job's result on its stdout, its log on stderr. The CLI gives its own
	// binary, `cornerstone schedule --job NAME` with the same flags.
	Child func(job string) []string
	// DB is the warehouse's path: the scheduler takes DB.schedule.lock for its life, so that a
	// second scheduler of the same warehouse refuses to start ("" takes no lock).
	DB string
	// Command names this scheduler in that lock ("cornerstone schedule").
	Command string
	// Open opens the warehouse for writing (taking the writer lock); a job's process calls it once.
	Open func(ctx context.Context) (*warehouse.DB, error)
	// Check, when set, runs once at start with the warehouse open; an error stops the scheduler
	// before any job runs (the CLI refuses a demo warehouse this way).
	Check   func(ctx context.Context, db *warehouse.DB) error
	Fetch   *fetch.Client
	Landing *landing.Zone
	// Notifier sends notifications from the scheduler's process (nil: none).
	Notifier *notify.Notifier
	// Progress receives the log (nil: discarded).
	Progress progress.Reporter
	// Out is the site folder rewritten after a job that loaded something ("" writes no site),
	// with Site's options.
	Out  string
	Site site.Options
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// LockPoll is how often a busy warehouse is tried again while waiting (default 500ms).
	LockPoll time.Duration
}

// Job kinds.
const (
	KindIngest = "ingest"
	KindPrune  = "prune"
)

// Entry is one scheduled job.
type Entry struct {
	// Name is "ingest:<source>" or "prune".
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	Source string `json:"source,omitempty"`
	// Spec is the cron spec (UTC); Origin says where it came from: "default" (the source's),
	// "config" or "retention".
	Spec   string `json:"spec"`
	Origin string `json:"origin"`
	// Next is the next time it runs after the moment Entries was called.
	Next time.Time `json:"next"`

	sched cron.Schedule
}

// Scheduler runs the jobs. Make one with New; Run it once.
type Scheduler struct {
	opts     Options
	cfg      *config.Config
	settings map[string]any // the sources' decoded settings (plan.Settings)
	entries  []*Entry
	// Skipped lists enabled sources that have no schedule (neither a default nor configured).
	Skipped []string

	sem    chan struct{} // one job at a time: the warehouse has one writer
	root   context.Context
	jobCtx context.Context
	outbox *outbox
}

// New checks every schedule and builds the jobs: one per enabled source with a schedule, and
// "prune" when retention is on. Unknown source ids and bad settings in the config (plan.Settings)
// and bad specs are reported together, wrapped in ErrBadSchedule.
func New(opts Options) (*Scheduler, error) {
	if opts.Config == nil || opts.Open == nil || opts.Landing == nil {
		return nil, errors.New("schedule: Config, Open and Landing are required")
	}
	if opts.Progress == nil {
		opts.Progress = progress.Discard()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.LockPoll <= 0 {
		opts.LockPoll = 500 * time.Millisecond
	}
	s := &Scheduler{opts: opts, cfg: opts.Config, sem: make(chan struct{}, 1)}
	var errs []error
	settings, err := plan.Settings(opts.Config) // unknown source ids, bad settings
	if err != nil {
		errs = append(errs, err)
	}
	s.settings = settings
	for _, src := range sources.All() {
		info := src.Info()
		spec := s.cfg.Source(info.ID)
		if !spec.IsEnabled() {
			continue
		}
		e := &Entry{Name: KindIngest + ":" + info.ID, Kind: KindIngest, Source: info.ID, Spec: info.Schedule, Origin: "default"}
		if spec.Schedule != "" {
			e.Spec, e.Origin = spec.Schedule, "config"
		}
		if e.Spec == "" {
			s.Skipped = append(s.Skipped, info.ID)
			continue
		}
		sched, err := config.ParseCron(e.Spec)
		if err != nil {
			where := "sources." + info.ID + ".schedule"
			if e.Origin == "default" {
				where = "source " + info.ID + " default schedule"
			}
			errs = append(errs, fmt.Errorf("%s: %q: %v", where, e.Spec, err))
			continue
		}
		e.sched = sched
		s.entries = append(s.entries, e)
	}
	if r := s.cfg.Retention; r.Enabled() {
		sched, err := config.ParseCron(r.Schedule)
		if err != nil {
			errs = append(errs, fmt.Errorf("retention.schedule: %q: %v", r.Schedule, err))
		} else {
			s.entries = append(s.entries, &Entry{Name: KindPrune, Kind: KindPrune, Spec: r.Schedule, Origin: "retention", sched: sched})
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadSchedule, err)
	}
	if len(s.entries) == 0 {
		return nil, fmt.Errorf("%w: no enabled source has a schedule and retention is off", ErrNothingToSchedule)
	}
	return s, nil
}

// Entries returns the jobs with their next run after now, in the order they were made.
func (s *Scheduler) Entries() []Entry {
	now := s.now()
	out := make([]Entry, len(s.entries))
	for i, e := range s.entries {
		out[i] = *e
		out[i].Next = e.sched.Next(now)
	}
	return out
}

func (s *Scheduler) now() time.Time { return s.opts.Now().UTC() }

// logf prints one timestamped line of the scheduler's log.
func (s *Scheduler) logf(format string, args ...any) {
	s.opts.Progress.Logf("%s schedule: %s", s.now().Format(time.RFC3339), fmt.Sprintf(format, args...))
}

// cronLogger routes robfig/cron's messages to the log: panics recovered and ticks skipped.
type cronLogger struct {
	s    *Scheduler
	name string
}

func (l cronLogger) Info(msg string, kv ...any) {
	if msg == "skip" {
		l.s.logf("%s: tick skipped: its previous run is still going", l.name)
	}
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	name := l.name
	if name == "" {
		name = "job"
	}
	detail := ""
	for i := 0; i+1 < len(kv); i += 2 {
		if k, _ := kv[i].(string); k == "stack" {
			detail = fmt.Sprint(kv[i+1])
		}
	}
	l.s.logf("%s: %s: %v%s", name, msg, err, firstLines(detail, 12))
}

// Run schedules every job and blocks until ctx is cancelled; then it waits for the running job
// (sent SIGTERM after schedule.shutdown_grace) and the notifications queued, and returns nil. It
// returns an error when another scheduler holds the warehouse or the start-up check fails.
func (s *Scheduler) Run(ctx context.Context) error {
	cancelJobs, stop, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer stop()
	res, err := s.spawn(ctx, StartJob)
	switch {
	case ctx.Err() != nil:
		return nil
	case err != nil:
		return fmt.Errorf("checking the warehouse at start: %w", err)
	case res.Error != "":
		return errors.New(res.Error)
	}
	logger := cronLogger{s: s}
	c := cron.New(cron.WithLocation(time.UTC), cron.WithLogger(logger), cron.WithChain(cron.Recover(logger)))
	ids := map[string]cron.EntryID{}
	for _, e := range s.entries {
		named := cronLogger{s: s, name: e.Name}
		// SkipIfStillRunning outside Recover: a panic is recovered inside, so the skip guard is
		// always released and the job runs again at its next tick.
		job := cron.NewChain(cron.SkipIfStillRunning(named), cron.Recover(named)).Then(cron.FuncJob(func() { s.runJob(e) }))
		ids[e.Name] = c.Schedule(e.sched, job)
	}
	for _, e := range s.Entries() {
		s.logf("%s: %s (%s), next %s", e.Name, e.Spec, e.Origin, e.Next.Format(time.RFC3339))
	}
	if len(s.Skipped) > 0 {
		s.logf("not scheduled (no schedule): %s", strings.Join(s.Skipped, ", "))
	}
	var catchUp sync.WaitGroup
	for _, name := range res.Due {
		id, ok := ids[name]
		if !ok {
			continue
		}
		wrapped := c.Entry(id).WrappedJob
		catchUp.Add(1)
		go func() {
			defer catchUp.Done()
			wrapped.Run()
		}()
	}
	c.Start()
	<-ctx.Done()
	if g := s.cfg.Schedule.ShutdownGrace; g > 0 {
		s.logf("stopping: the running job has %s to finish", g)
		t := time.AfterFunc(g, cancelJobs)
		defer t.Stop()
	} else {
		s.logf("stopping: the running job is cancelled and rolled back")
		cancelJobs()
	}
	<-c.Stop().Done()
	catchUp.Wait()
	stop()
	s.logf("stopped")
	return nil
}

// begin takes the scheduler's lock and sets up the jobs' context and the notifications' queue.
// cancelJobs cancels the running job; stop, once the jobs have ended, waits for the queued
// notifications (up to notify.deadline) and releases everything. stop may be called twice.
func (s *Scheduler) begin(ctx context.Context) (cancelJobs, stop func(), err error) {
	if s.opts.Child == nil {
		return nil, nil, errors.New("schedule: Options.Child is required to run jobs")
	}
	unlock, err := s.lock()
	if err != nil {
		return nil, nil, err
	}
	jobCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.root, s.jobCtx = ctx, jobCtx
	s.outbox = newOutbox(s)
	var once sync.Once
	return cancel, func() {
		once.Do(func() {
			cancel()
			s.outbox.close(s.cfg.Notify.Deadline)
			unlock()
		})
	}, nil
}

// sleep waits d or until ctx is done; it reports whether the full wait passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func firstLines(s string, n int) string {
	if s == "" {
		return ""
	}
	lines := strings.SplitN(s, "\n", n+1)
	if len(lines) > n {
		lines = lines[:n]
	}
	return "\n" + strings.Join(lines, "\n")
}
