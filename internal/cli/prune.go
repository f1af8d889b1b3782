package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline/retention"
)

func (a *app) pruneCmd() *cobra.Command {
	var apply bool
	var format string
	c := &cobra.Command{
		Use:   "prune [--apply]",
		Short: "Show (and with --apply, delete) what the retention policy lets go",
		Long: `Apply the retention policy of the config file's [retention] section:

  raw_days     delete landed raw files that no held release refers to (superseded revisions,
               files whose load failed, abandoned downloads) once older than this many days
  ledger_days  delete run-ledger rows (meta.runs, meta.loads, meta.test_results) older than this
               many days, except those behind a release still held or a model as built

Nothing is deleted unless a number of days is set. Without --apply the command only lists what
would go (stdout), opening the warehouse read-only; with --apply it deletes it, holding the
writer lock. 'cornerstone schedule'
applies the policy itself on retention.schedule.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return usagef("--format %q: want table or json", format)
			}
			if !a.cfg.Retention.Enabled() {
				fmt.Fprintln(a.stderr, "cornerstone: retention is off (set retention.raw_days or retention.ledger_days in the config file): nothing to prune")
				return nil
			}
			ctx := cmd.Context()
			open := a.openReader
			if apply {
				open = func(ctx context.Context) (*warehouse.DB, error) { return a.openWriter(ctx, commandLine(cmd, args)) }
			}
			db, err := open(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			zone, err := a.landing()
			if err != nil {
				return err
			}
			p, err := retention.Make(ctx, db, zone, a.cfg.Retention, config.Now())
			if err != nil {
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(p); err != nil {
					return err
				}
			} else {
				tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
				fmt.Fprintln(tw, "SOURCE\tFILE\tRETRIEVED\tBYTES\tSHA256")
				for _, f := range p.Files {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", f.Source, tableCell(dash(f.Name)), f.RetrievedAt.Format(time.RFC3339), f.Size, f.SHA256)
				}
				for _, t := range p.Temp {
					fmt.Fprintf(tw, "-\t%s\t-\t-\t-\n", tableCell(t))
				}
				if err := tw.Flush(); err != nil {
					return err
				}
			}
			verb := "would delete"
			if apply {
				if err := p.Apply(ctx, db); err != nil {
					return err
				}
				verb = "deleted"
			}
			fmt.Fprintf(a.stderr, "prune: %s %s\n", verb, p.Summary())
			if !apply && !p.Empty() {
				fmt.Fprintln(a.stderr, "prune: run again with --apply to delete")
			}
			return nil
		},
	}
	c.Flags().BoolVar(&apply, "apply", false, "delete what the policy lets go (default: only list it)")
	c.Flags().StringVar(&format, "format", "table", "output format: table or json")
	return c
}
