package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cornerstone-data/cornerstone/reports/site"
)

func (a *app) reportCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "report",
		Short: "Write the static evidence site from the warehouse to --out",
		Long: `Write the evidence site (index, one page per council, methods and sources) to --out, reading
the warehouse read-only. The same warehouse always gives byte-identical files; the site is built
beside --out and swapped in, so a failure leaves the previous site as it was.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, err := a.openReader(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			sum, err := site.Build(ctx, db, site.Options{Out: a.cfg.Out, Progress: a.progress()})
			if err != nil {
				return fmt.Errorf("writing the site: %w", err)
			}
			if !a.quiet {
				fmt.Fprintf(a.stderr, "report: %d pages and %d charts in %s (build %s)\n", sum.Pages, sum.Charts, a.cfg.Out, sum.BuildID)
			}
			return nil
		},
	}
}
