package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline"
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
	ID            string `json:"id"`
	Title         string `json:"title"`
	Publisher     string `json:"publisher"`
	Licence       string `json:"licence"`
	Cadence       string `json:"cadence"`
	Schedule      string `json:"schedule"`
	Enabled       bool   `json:"enabled"`
	LastRelease   string `json:"last_release,omitempty"`
	LastReleaseAt string `json:"last_release_at,omitempty"` // published (or first loaded) date
	LastChecked   string `json:"last_checked,omitempty"`
	LastStatus    string `json:"last_status,omitempty"`
	LastError     string `json:"last_error,omitempty"`
	NextExpected  string `json:"next_expected,omitempty"`
	DueBy         string `json:"due_by,omitempty"`
	// Freshness is fresh, not yet published, stale or never loaded (sources.Fresh*); empty when
	// the warehouse could not be read.
	Freshness string `json:"freshness,omitempty"`
	Tables    string `json:"tables"`
}

func (a *app) sourcesCmd() *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "sources",
		Short: "List the sources with their publisher, schedule, freshness and what was last seen",
		Long: `List every source with its publisher, release cadence and schedule, and from the warehouse:
the newest release held (LAST RELEASE, with its publication date), when the source was last
checked and how that went, when the next release is expected from the publisher's calendar, and
its freshness:

  fresh              the newest release held is the one expected most recently
  not yet published  the next release is due but within its grace: nothing is overdue
  stale              an expected release is overdue beyond its grace and has not been loaded
  never loaded       no release of the source is held

While another process writes to the warehouse the list is shown without what was last seen, and
a note on stderr says who holds it.`,
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
			fmt.Fprintln(tw, "SOURCE\tPUBLISHER\tCADENCE\tLAST RELEASE\tLAST CHECKED\tNEXT EXPECTED\tFRESHNESS\tLAST CHECK")
			for _, r := range rows {
				status := r.LastStatus
				if !r.Enabled {
					status = "disabled"
				}
				release := r.LastRelease
				if release != "" && r.LastReleaseAt != "" {
					release += " (" + r.LastReleaseAt + ")"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Publisher, r.Cadence, tableCell(dash(release)), dash(r.LastChecked),
					dash(r.NextExpected), dash(r.Freshness), dash(status))
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

// sourceRows describes every source with its freshness, from what the warehouse last saw. When the
// warehouse cannot be read (busy, or not created yet) the rows carry the static description only
// and a note on stderr says why.
func (a *app) sourceRows(ctx context.Context) []sourceRow {
	var states map[string]sources.State
	db, err := a.openReader(ctx)
	switch {
	case err == nil:
		states, err = sources.ReadStates(ctx, db)
		db.Close()
		if err != nil {
			fmt.Fprintf(a.stderr, "cornerstone: %v\n", err)
		}
	case errors.Is(err, warehouse.ErrNoWarehouse):
		states = map[string]sources.State{} // nothing loaded yet: every source is never loaded
	default:
		fmt.Fprintf(a.stderr, "cornerstone: %v; showing the sources without what was last seen\n", err)
	}
	now := config.Now()
	var out []sourceRow
	for _, s := range sources.All() {
		info := s.Info()
		r := sourceRow{ID: info.ID, Title: info.Title, Publisher: info.Publisher, Licence: info.Licence,
			Cadence: info.Cadence.Every, Schedule: info.Schedule}
		if spec := a.cfg.Source(info.ID); spec.Schedule != "" {
			r.Schedule = spec.Schedule
		}
		r.Enabled = a.cfg.Source(info.ID).IsEnabled()
		if states != nil {
			st := states[info.ID]
			r.LastRelease, r.LastStatus, r.LastError = st.LastRelease, st.LastStatus, st.LastError
			if !st.LastReleaseAt.IsZero() {
				r.LastReleaseAt = st.LastReleaseAt.Format(time.DateOnly)
			}
			if !st.LastChecked.IsZero() {
				r.LastChecked = st.LastChecked.Format(time.RFC3339)
			}
			f := st.Freshness(info.Cadence, now)
			r.Freshness = f.Status
			if !f.NextExpected.IsZero() {
				r.NextExpected, r.DueBy = f.NextExpected.Format(time.DateOnly), f.DueBy.Format(time.DateOnly)
			}
		}
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
			runs, err := pipeline.Ledger{DB: db}.Runs(ctx, limit)
			if err != nil {
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
				loaded := map[string]bool{} // ingest steps whose loads say what happened
				for _, l := range r.Loads {
					label := strings.TrimSpace(l.Source + " " + l.Dataset + " " + l.Vintage)
					switch l.Status {
					case sources.StatusLoaded:
						notes = append(notes, fmt.Sprintf("%s loaded (%d rows)", label, l.Rows))
						for i, n := range l.Notes {
							if i == 2 && len(l.Notes) > 3 {
								notes = append(notes, fmt.Sprintf("%d more notes (--format json lists them)", len(l.Notes)-2))
								break
							}
							notes = append(notes, "note: "+firstLine(n))
						}
					case sources.StatusFailed:
						notes = append(notes, fmt.Sprintf("%s FAILED (%s): %s", label, l.Reason, firstLine(l.Error)))
					}
					if l.Status != sources.StatusUnchanged {
						loaded["ingest:"+l.Source] = true
					}
				}
				for _, s := range r.Steps {
					switch {
					case loaded[s.ID]:
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
					r.OK, r.Failed, r.Skipped, tableCell(r.Command), tableCell(strings.Join(notes, "; ")))
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
