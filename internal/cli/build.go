package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline/models"
	"github.com/cornerstone-data/cornerstone/pipeline/plan"
	"github.com/cornerstone-data/cornerstone/sources"
)

func (a *app) buildCmd() *cobra.Command {
	var full bool
	c := &cobra.Command{
		Use:   "build [MODEL...]",
		Short: "Build the SQL models and run their data tests",
		Long: `Build every model (or the named ones, e.g. core.population) in dependency order, each with its
data tests in one transaction. A model whose error-severity test fails keeps its previous contents
and the models built on it are skipped; results go to meta.test_results. Models whose SQL and
inputs are unchanged are left as they are unless --full.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			job := plan.Job{Command: commandLine(cmd, args), Build: true, AllModels: len(args) == 0, Models: args, FullBuild: full}
			project, err := models.Default()
			if err != nil {
				return err
			}
			for _, m := range args { // an unknown model is a usage error, as an unknown source for ingest
				if _, ok := project.Models[m]; !ok {
					msg := fmt.Sprintf("unknown model %q", m)
					if near := sources.Nearest(m, project.Names(), 3); len(near) > 0 {
						msg += " (nearest: " + strings.Join(near, ", ") + ")"
					}
					return usagef("%s; models are named schema.table, one file each under queries/models", msg)
				}
			}
			return a.execute(cmd.Context(), job, "", false)
		},
	}
	c.Flags().BoolVar(&full, "full", false, "rebuild every model even when its inputs are unchanged")
	return c
}

func (a *app) validateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate",
		Short: "Check every model, dependency and data test, and report every problem at once",
		Long: `Parse every model's header, check its dependencies (unknown models or tables, references the
header does not declare, cycles), and prepare its SQL and tests against an empty scratch
warehouse holding every source's tables. Nothing is read from or written to --db.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			project, perr := models.Default()
			scratch, err := warehouse.Open(ctx, warehouse.Options{Path: ":memory:"})
			if err != nil {
				return err
			}
			defer scratch.Close()
			var problems []error
			if perr != nil {
				problems = append(problems, perr)
			}
			problems = append(problems, project.Validate(ctx, scratch, sources.RawTables())...)
			if len(problems) > 0 {
				for _, p := range problems {
					fmt.Fprintf(a.stderr, "  %v\n", p)
				}
				fmt.Fprintf(a.stderr, "cornerstone: validate found %d problem(s) in %d models\n", len(problems), len(project.Models))
				return ErrFailed
			}
			tests := 0
			for _, m := range project.Models {
				tests += len(m.Tests)
			}
			fmt.Fprintf(a.stdout, "ok: %d models and %d data tests valid\n", len(project.Models), tests)
			return nil
		},
	}
}
