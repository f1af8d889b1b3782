package cli

import (
	"github.com/spf13/cobra"

	"github.com/cornerstone-data/cornerstone/pipeline/plan"
	"github.com/cornerstone-data/cornerstone/sources"
)

func (a *app) ingestCmd() *cobra.Command {
	var opts struct {
		from, vintage, dataset, title string
		force, replace, noBuild       bool
	}
	c := &cobra.Command{
		Use:   "ingest SOURCE [--from PATH|URL]",
		Short: "Load one source's newest releases (or a given file) and rebuild what depends on it",
		Long: `Discover and load the newest releases of SOURCE, or load the file given with --from (a local
path or a URL) instead. Each release loads in one transaction: a bad file changes nothing and the
error names the source, the file, and where in it the problem is. A file already loaded (same
source, same SHA-256) is reported unchanged. A council's return (local-returns,
local-investment-returns) adds to what is held: it supersedes only the figures or projects it
restates and notes those it leaves in place; --replace withdraws every row held for the councils
and periods the file covers first. Afterwards the models that depend on the source are
rebuilt (skip with --no-build).

Sources: run 'cornerstone sources' for the list.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := sources.Lookup(args[0]); err != nil {
				return &UsageError{Err: err}
			}
			ingest := sources.Options{From: opts.from, Vintage: opts.vintage, Dataset: opts.dataset, Title: opts.title, Force: opts.force, Replace: opts.replace}
			if err := ingest.Validate(); err != nil {
				return &UsageError{Err: err}
			}
			job := plan.Job{Command: commandLine(cmd, args), Sources: []string{args[0]},
				Ingest: ingest,
				Build:  !opts.noBuild}
			return a.execute(cmd.Context(), job, "", false)
		},
	}
	f := c.Flags()
	f.StringVar(&opts.from, "from", "", "load this local file or URL instead of discovering releases")
	f.StringVar(&opts.vintage, "vintage", "", "release vintage, when the file does not say (e.g. mid-2024)")
	f.StringVar(&opts.dataset, "dataset", "", "dataset name, when the file does not say")
	f.StringVar(&opts.title, "title", "", "release title to record")
	f.BoolVar(&opts.force, "force", false, "load even when the file was loaded before")
	f.BoolVar(&opts.replace, "replace", false, "councils' returns: withdraw every row held for the councils and periods the file covers, then load it (implies --force)")
	f.BoolVar(&opts.noBuild, "no-build", false, "do not rebuild the models that depend on the source")
	return c
}
