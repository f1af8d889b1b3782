package cli

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cornerstone-data/cornerstone/sources/local"
)

func (a *app) templateCmd() *cobra.Command {
	var describe bool
	var out string
	c := &cobra.Command{
		Use:   "template NAME [--describe] [--file FILE]",
		Short: "Write a CSV template for a council return (usage, investment)",
		Long: `Write the CSV template NAME to stdout (or --file FILE): the header and one example row to replace.
--describe prints what each column means instead. Fill it in and load it with
'cornerstone ingest SOURCE --from FILE'; every bad cell is reported before anything is loaded.

Templates: ` + "`cornerstone template --help`" + ` lists them below.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			t, err := local.LookupTemplate(args[0])
			if err != nil {
				return &UsageError{Err: err}
			}
			w := a.stdout
			if out != "" {
				f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
				if err != nil {
					return fmt.Errorf("writing template: %w", err)
				}
				defer f.Close()
				w = f
			}
			if describe {
				return t.WriteDoc(w)
			}
			return t.WriteCSV(w)
		},
	}
	c.Long += "\n  " + strings.Join(local.TemplateNames(), "\n  ")
	c.Flags().BoolVar(&describe, "describe", false, "print the meaning of each column (Markdown) instead of the CSV")
	c.Flags().StringVar(&out, "file", "", "write to this file (must not exist) instead of stdout")
	return c
}
