package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cornerstone-data/cornerstone/reports/site"
)

func (a *app) reportCmd() *cobra.Command {
	var pdf, quartiles, png bool
	var chromium string
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Write the static evidence site from the warehouse to --out",
		Long: `Write the evidence site to --out, reading the warehouse read-only: an index, one evidence pack
per council (spend, usage, funding, engagement, peers, trends), one page per KPI, a funding
breakdown, a self-assessment pack per council, downloads (every table as CSV and XLSX, the marts as
Parquet) and the methods and sources page. The same warehouse always gives byte-identical files;
the site is built beside --out and swapped in, so a failure leaves the previous site as it was. The
site replaced is kept at <out>.previous until the next report. --out must be absent, empty or a
site Cornerstone wrote; a folder of other files is refused.

--pdf also prints each council's evidence pack to pdf/<code>.pdf with headless Chromium (the
Debian package chromium); PDFs carry Chromium's creation date, so they differ between builds.
--quartiles adds ranks and percentiles and orders bars by value; without it, measures are shown as
context, not league tables. Each chart is shown as SVG with its citation, beside the CSV behind it;
its PNG button draws a PNG in the browser. --png also writes every chart as charts/<id>.png (for
sites published without JavaScript); drawing them makes a national site several times slower.
[report] quartiles and png_files in the config file set the same for run, demo and schedule.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			db, err := a.openReader(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			opts := a.siteOptions()
			opts.Out, opts.Progress, opts.PDF, opts.Chromium = a.cfg.Out, a.progress(), pdf, chromium
			opts.Quartiles = opts.Quartiles || quartiles
			opts.PNG = opts.PNG || png
			sum, err := site.Build(ctx, db, opts)
			if err != nil {
				return fmt.Errorf("writing the site: %w", err)
			}
			if !a.quiet {
				fmt.Fprintf(a.stderr, "report: %d pages, %d charts, %d tables", sum.Pages, sum.Charts, sum.Tables)
				if pdf {
					fmt.Fprintf(a.stderr, ", %d PDFs", sum.PDFs)
				}
				fmt.Fprintf(a.stderr, " in %s (build %s)\n", a.cfg.Out, sum.BuildID)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&pdf, "pdf", false, "also print each council's evidence pack to PDF with headless Chromium")
	cmd.Flags().BoolVar(&quartiles, "quartiles", false, "show ranks and percentiles and order bars by value (default: context, not league tables)")
	cmd.Flags().BoolVar(&png, "png", false, "also write every chart as a PNG file (default: PNGs are drawn in the browser)")
	cmd.Flags().StringVar(&chromium, "chromium", "", "Chromium executable for --pdf (default: chromium, chromium-browser or google-chrome on PATH)")
	return cmd
}

// siteOptions are the site's options from the config file ([report]).
func (a *app) siteOptions() site.Options {
	return site.Options{Quartiles: a.cfg.Report.Quartiles, PNG: a.cfg.Report.PNGFiles}
}
