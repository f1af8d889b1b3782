package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cornerstone-data/cornerstone/internal/notify"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline/schedule"
)

func (a *app) scheduleCmd() *cobra.Command {
	var list, noReport bool
	var format string
	c := &cobra.Command{
		Use:   "schedule",
		Short: "Run as a long-lived scheduler: ingest each source on its schedule, notify on failures",
		Long: `Run until stopped (SIGTERM or Ctrl-C), ingesting each enabled source on its own cron schedule
(UTC): [sources.<id>] schedule in the config file, else the source's default, matched to its
publisher's release cycle. After each ingest the models downstream of the source are rebuilt and,
when something new was loaded, the site is rewritten (--no-report to skip).

A job whose previous run is still going skips its tick; jobs run one at a time and open the
warehouse only while they run, so 'cornerstone sql' works between jobs. At start, each source
whose scheduled run was missed while the scheduler was down runs once. Transient failures are
tried again with backoff (schedule.retries, schedule.retry_delay). Failures, new releases and
stale sources are sent to the webhook or email configured in [notify]. When [retention] sets a
number of days, the policy is applied on retention.schedule.

On SIGTERM or SIGINT no new job starts, the running one is cancelled (after
schedule.shutdown_grace) and rolled back, and the command exits 0.

--list prints the jobs and their next run, and exits.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return usagef("--format %q: want table or json", format)
			}
			ctx := cmd.Context()
			notifier, err := notify.New(a.cfg.Notify)
			if err != nil {
				return err
			}
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
			s, err := schedule.New(schedule.Options{
				Config: a.cfg,
				Open: func(ctx context.Context) (*warehouse.DB, error) {
					return a.openWriter(ctx, command)
				},
				Check: func(ctx context.Context, db *warehouse.DB) error {
					return checkKind(ctx, db, false, false)
				},
				Fetch: fc, Landing: zone, Notifier: notifier, Progress: a.progress(), Out: out, Site: a.siteOptions(),
			})
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
	return c
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
