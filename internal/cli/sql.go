package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

func (a *app) sqlCmd() *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "sql [--format csv|json|table] QUERY",
		Short: "Run a read-only SQL query against the warehouse and print the result",
		Long: `Run QUERY (DuckDB SQL; '-' reads it from stdin) against the warehouse opened read-only, and print
the rows on stdout as a table (default), CSV or JSON. Schemas: raw, core, marts, meta.

QUERY is one query: SELECT, WITH, FROM, VALUES, SHOW, DESCRIBE or SUMMARIZE. Anything else (COPY,
ATTACH, INSTALL, LOAD, SET, PRAGMA, CALL, EXPORT, CREATE, several statements) is refused, and the
query can read nothing but the warehouse: file and network access are off (no read_csv,
read_text, glob or URL), and DuckDB extensions that are not built in are never downloaded or
loaded. To export a result, use --format csv and redirect stdout.

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
			db, err := warehouse.Open(ctx, warehouse.Options{Path: a.cfg.DB, QueryOnly: true,
				MemoryLimit: a.cfg.Warehouse.MemoryLimit, Threads: a.cfg.Warehouse.Threads})
			if err != nil {
				return err
			}
			defer db.Close()
			rows, err := db.ReadQuery(ctx, query)
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
