package cli

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
)

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version of cornerstone and of its DuckDB engine",
		RunE: func(cmd *cobra.Command, args []string) error {
			v := Version
			if info, ok := debug.ReadBuildInfo(); ok && v == "dev" {
				for _, s := range info.Settings {
					if s.Key == "vcs.revision" && len(s.Value) >= 12 {
						v = "dev+" + s.Value[:12]
					}
				}
			}
			db, err := warehouse.Open(cmd.Context(), warehouse.Options{Path: ":memory:"})
			if err != nil {
				return err
			}
			defer db.Close()
			var duck string
			if err := db.QueryRow(cmd.Context(), `SELECT version()`).Scan(&duck); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "cornerstone %s (DuckDB %s)\n", v, duck)
			return nil
		},
	}
}

type sourceRow struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Publisher   string `json:"publisher"`
	Licence     string `json:"licence"`
	Cadence     string `json:"cadence"`
	Schedule    string `json:"schedule"`
	Enabled     bool   `json:"enabled"`
	LastRelease string `json:"last_release,omitempty"`
	LastChecked string `json:"last_checked,omitempty"`
	LastStatus  string `json:"last_status,omitempty"`
	LastError   string `json:"last_error,omitempty"`
	Tables      string `json:"tables"`
}

func (a *app) sourcesCmd() *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "sources",
		Short: "List the sources with their publisher, schedule and what was last seen",
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return usagef("--format %q: want table or json", format)
			}
			rows := a.sourceRows(cmd.Context())
			if format == "json" {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(rows)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "SOURCE\tPUBLISHER\tCADENCE\tLAST RELEASE\tLAST CHECKED\tSTATUS")
			for _, r := range rows {
				status := r.LastStatus
				if !r.Enabled {
					status = "disabled"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Publisher, r.Cadence, dash(r.LastRelease), dash(r.LastChecked), dash(status))
			}
			return tw.Flush()
		},
	}
	c.Flags().StringVar(&format, "format", "table", "output format: table or json")
	return c
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// sourceRows describes every source, with what the warehouse last saw when it can be read.
func (a *app) sourceRows(ctx context.Context) []sourceRow {
	state := map[string]sourceRow{}
	if db, err := a.openReader(ctx); err == nil {
		defer db.Close()
		if rs, err := db.Query(ctx, `SELECT source, coalesce(last_release, ''), last_checked_at, coalesce(last_status, ''), coalesce(last_error, '') FROM meta.source_state`); err == nil {
			for rs.Next() {
				var r sourceRow
				var checked sql.NullTime
				if rs.Scan(&r.ID, &r.LastRelease, &checked, &r.LastStatus, &r.LastError) == nil {
					if checked.Valid {
						r.LastChecked = checked.Time.UTC().Format(time.RFC3339)
					}
					state[r.ID] = r
				}
			}
			rs.Close()
		}
	}
	var out []sourceRow
	for _, s := range sources.All() {
		info := s.Info()
		r := state[info.ID]
		r.ID, r.Title, r.Publisher, r.Licence = info.ID, info.Title, info.Publisher, info.Licence
		r.Cadence, r.Schedule = info.Cadence.Every, info.Schedule
		if spec := a.cfg.Source(info.ID); spec.Schedule != "" {
			r.Schedule = spec.Schedule
		}
		r.Enabled = a.cfg.Source(info.ID).IsEnabled()
		var tables []string
		for _, t := range info.Tables {
			tables = append(tables, t.String())
		}
		r.Tables = strings.Join(tables, ", ")
		out = append(out, r)
	}
	return out
}

func (a *app) runsCmd() *cobra.Command {
	var format string
	var limit int
	c := &cobra.Command{
		Use:   "runs",
		Short: "Show the run history: what ran, what changed, what failed and why",
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "table" && format != "json" {
				return usagef("--format %q: want table or json", format)
			}
			if limit < 1 {
				return usagef("--limit must be at least 1")
			}
			ctx := cmd.Context()
			db, err := a.openReader(ctx)
			if err != nil {
				return err
			}
			defer db.Close()
			rows, err := db.Query(ctx, `SELECT run_id, command, started_at, finished_at, status, coalesce(steps_ok, 0),
				coalesce(steps_failed, 0), coalesce(steps_skipped, 0), coalesce(error, ''), coalesce(summary, '[]')
				FROM meta.runs ORDER BY run_id DESC LIMIT ?`, limit)
			if err != nil {
				return fmt.Errorf("reading meta.runs: %w", err)
			}
			defer rows.Close()
			type step struct {
				ID     string `json:"id"`
				State  string `json:"state"`
				Status string `json:"status,omitempty"`
				Detail string `json:"detail,omitempty"`
				Error  string `json:"error,omitempty"`
			}
			type run struct {
				RunID    int64     `json:"run_id"`
				Command  string    `json:"command"`
				Started  time.Time `json:"started_at"`
				Finished *string   `json:"finished_at"`
				Status   string    `json:"status"`
				OK       int       `json:"steps_ok"`
				Failed   int       `json:"steps_failed"`
				Skipped  int       `json:"steps_skipped"`
				Error    string    `json:"error,omitempty"`
				Steps    []step    `json:"steps"`
			}
			var runs []run
			for rows.Next() {
				var r run
				var fin sql.NullTime
				var summary string
				if err := rows.Scan(&r.RunID, &r.Command, &r.Started, &fin, &r.Status, &r.OK, &r.Failed, &r.Skipped, &r.Error, &summary); err != nil {
					return err
				}
				if fin.Valid {
					s := fin.Time.UTC().Format(time.RFC3339)
					r.Finished = &s
				}
				_ = json.Unmarshal([]byte(summary), &r.Steps)
				runs = append(runs, r)
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if format == "json" {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(runs)
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "RUN\tSTARTED\tSTATUS\tOK\tFAILED\tSKIPPED\tCOMMAND\tCHANGED / FAILED")
			for _, r := range runs {
				var notes []string
				for _, s := range r.Steps {
					switch {
					case s.State == "failed":
						notes = append(notes, s.ID+" FAILED: "+firstLine(s.Error))
					case s.Status == "loaded" || s.Status == "written":
						notes = append(notes, s.ID+" "+s.Status)
					}
				}
				if r.Error != "" {
					notes = append(notes, firstLine(r.Error))
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%d\t%s\t%s\n", r.RunID, r.Started.UTC().Format(time.RFC3339), r.Status,
					r.OK, r.Failed, r.Skipped, r.Command, strings.Join(notes, "; "))
			}
			return tw.Flush()
		},
	}
	c.Flags().StringVar(&format, "format", "table", "output format: table or json")
	c.Flags().IntVar(&limit, "limit", 20, "how many runs to show, newest first")
	return c
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	if len(line) > 160 {
		line = line[:157] + "..."
	}
	return line
}
