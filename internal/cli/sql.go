package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"
)

func (a *app) sqlCmd() *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "sql [--format csv|json|table] QUERY",
		Short: "Run a read-only SQL query against the warehouse and print the result",
		Long: `Run QUERY (DuckDB SQL; '-' reads it from stdin) against the warehouse opened read-only, and print
the rows on stdout as a table (default), CSV or JSON. Schemas: raw, core, marts, meta.

Example: cornerstone sql --format csv "select count(*) from core.population"`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "csv", "json", "table":
			default:
				return usagef("--format %q: want csv, json or table", format)
			}
			query := strings.Join(args, " ")
			if query == "-" {
				b, err := io.ReadAll(io.LimitReader(os.Stdin, 16<<20))
				if err != nil {
					return fmt.Errorf("reading the query from stdin: %w", err)
				}
				query = string(b)
			}
			if strings.TrimSpace(query) == "" {
				return usagef("empty query")
			}
			ctx := cmd.Context()
			db, err := a.openReader(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			rows, err := db.Query(ctx, query)
			if err != nil {
				return fmt.Errorf("running query: %w", err)
			}
			defer rows.Close()
			return writeRows(a.stdout, rows, format)
		},
	}
	c.Flags().StringVar(&format, "format", "table", "output format: csv, json or table")
	return c
}
