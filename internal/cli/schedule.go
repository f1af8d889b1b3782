package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cornerstone-data/cornerstone/internal/notify"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline/schedule"
)

func (a *app) scheduleCmd() *cobra.Command {
	var list, noReport bool
	var format, job string
	c := &cobra.Command{
		Use:   "schedule",
		Short: "Run as a long-lived scheduler: ingest each source on its schedule, notify on failures",
		Long: `Run until stopped (SIGTERM or Ctrl-C), ingesting each enabled source on its own cron schedule
(UTC): [sources.<id>] schedule in the config file, else the source's default, matched to its
publisher's release cycle. After each ingest the models downstream of the source are rebuilt and,
when something new was loaded, the site is rewritten (--no-report to skip).

A job whose previous run is still going skips its tick; jobs run one at a time, each in a child
process of this command that opens the warehouse only while the job runs, so 'cornerstone sql'
works between jobs. A second scheduler of the same warehouse refuses to start, naming the first.
At start, each source whose scheduled run was missed while the scheduler was down runs once.
Transient failures are tried again with backoff (schedule.retries, schedule.retry_delay).
Failures, new releases and stale sources are sent to the webhook or email configured in [notify]
once the job has released the warehouse, within notify.deadline. When [retention] sets a number
of days, the policy is applied on retention.schedule.

On SIGTERM or SIGINT no new job starts, the running one is cancelled (after
schedule.shutdown_grace) and rolled back, and the command exits 0.

--list prints the jobs and their next run, and exits.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return usagef("--format %q: want table or json", format)
			}
			ctx := cmd.Context()
			fc, err := a.fetchClient("")
			if err != nil {
				return err
			}
			zone, err := a.landing()
			if err != nil {
				return err
			}
			out := a.cfg.Out
			if noReport {
				out = ""
			}
			command := commandLine(cmd, args)
			opts := schedule.Options{
				Config: a.cfg,
				DB:     a.cfg.DB, Command: command,
				Open: func(ctx context.Context) (*warehouse.DB, error) {
					return a.openWriter(ctx, command)
				},
				Check: func(ctx context.Context, db *warehouse.DB) error {
					return checkKind(ctx, db, false, false)
				},
				Fetch: fc, Landing: zone, Progress: a.progress(), Out: out, Site: a.siteOptions(),
			}
			if job != "" {
				return a.runScheduledJob(ctx, opts, job)
			}
			if opts.Notifier, err = notify.New(a.cfg.Notify); err != nil {
				return err
			}
			if opts.Child, err = a.jobCommand(noReport); err != nil {
				return err
			}
			s, err := schedule.New(opts)
			if err != nil {
				return err
			}
			if list {
				return a.printEntries(s.Entries(), format)
			}
			return s.Run(ctx)
		},
	}
	c.Flags().BoolVar(&list, "list", false, "print the jobs and their next run (UTC), then exit")
	c.Flags().StringVar(&format, "format", "table", "--list output format: table or json")
	c.Flags().BoolVar(&noReport, "no-report", false, "do not rewrite the site after a job that loaded something")
	c.Flags().StringVar(&job, "job", "", "run one job in this process and print its result as JSON (the scheduler's child processes)")
	_ = c.Flags().MarkHidden("job") // the flag exists
	return c
}

// jobCommand returns how the scheduler starts a job's process: this binary, `schedule --job NAME`
// with the configuration this process resolved.
func (a *app) jobCommand(noReport bool) (func(job string) []string, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding this program to run the jobs: %w", err)
	}
	base := []string{exe, "schedule", "--db", a.cfg.DB, "--data", a.cfg.Data, "--out", a.cfg.Out}
	if a.cfg.Path != "" {
		base = append(base, "--config", a.cfg.Path)
	}
	if noReport {
		base = append(base, "--no-report")
	}
	if a.quiet {
		base = append(base, "--quiet")
	}
	return func(job string) []string {
		return append(append([]string{}, base...), "--job", job)
	}, nil
}

// runScheduledJob is a scheduler's child process: it runs one job and prints its result on stdout.
func (a *app) runScheduledJob(ctx context.Context, opts schedule.Options, job string) error {
	s, err := schedule.New(opts)
	if err != nil {
		return err
	}
	res, err := s.Job(ctx, job)
	if err != nil {
		return usagef("--job: %v", err)
	}
	return json.NewEncoder(a.stdout).Encode(res)
}

func (a *app) printEntries(es []schedule.Entry, format string) error {
	if format == "json" {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(es)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB\tSCHEDULE (UTC)\tFROM\tNEXT RUN")
	for _, e := range es {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.Name, e.Spec, e.Origin, e.Next.UTC().Format(time.RFC3339))
	}
	return tw.Flush()
}
