package cli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/internal/notify"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline/plan"
)

// ErrMixedWarehouse means demo and live data would share one warehouse.
var ErrMixedWarehouse = errors.New("demo and live data cannot share a warehouse")

// execute runs a job against the writer warehouse and prints the summary on stderr; the run's
// notifications are sent after the warehouse is closed, so a slow channel never holds it.
func (a *app) execute(ctx context.Context, job plan.Job, mirror string, isDemo bool) error {
	res, err := a.executeOpen(ctx, job, mirror, isDemo)
	if err != nil {
		return err
	}
	summary := res.Report.Summary()
	if res.Failed() || !a.quiet {
		fmt.Fprintf(a.stderr, "run %d: %s", res.RunID, summary)
	}
	if !isDemo {
		a.notify(ctx, res.Events(job.Command))
	}
	if res.Failed() {
		return ErrFailed
	}
	return nil
}

// executeOpen runs the job with the warehouse open, and closes it.
func (a *app) executeOpen(ctx context.Context, job plan.Job, mirror string, isDemo bool) (*plan.Result, error) {
	db, err := a.openWriter(ctx, job.Command)
	if err != nil {
		return nil, err
	}
	closed := false
	defer func() {
		if !closed {
			db.Close()
		}
	}()
	if len(job.Sources) > 0 {
		// Only loading can mix the two; build and report work on whatever the warehouse holds.
		if err := checkKind(ctx, db, isDemo, job.Ingest.From != ""); err != nil {
			return nil, err
		}
	}
	if isDemo {
		if _, err := db.Exec(ctx, `INSERT INTO meta.settings VALUES ('demo', 'true') ON CONFLICT (key) DO UPDATE SET value = 'true'`); err != nil {
			return nil, fmt.Errorf("marking the warehouse as demo: %w", err)
		}
	}
	fc, err := a.fetchClient(mirror)
	if err != nil {
		return nil, err
	}
	zone, err := a.landing()
	if err != nil {
		return nil, err
	}
	env := &plan.Env{DB: db, Fetch: fc, Landing: zone, Progress: a.progress(), Settings: a.settings, Demo: isDemo}
	res, err := plan.Execute(ctx, env, job)
	if err != nil {
		return nil, err
	}
	closed = true
	if err := db.Close(); err != nil {
		return nil, fmt.Errorf("closing the warehouse: %w", err)
	}
	return res, nil
}

// notify sends the run's events (failures, new releases) to the configured webhook and email,
// within notify.deadline. A notification that cannot be sent is reported on stderr; it does not
// change the exit code.
func (a *app) notify(ctx context.Context, evs []notify.Event) {
	if len(evs) == 0 || (!a.cfg.Notify.Webhook.Enabled() && !a.cfg.Notify.Email.Enabled()) {
		return
	}
	n, err := notify.New(a.cfg.Notify)
	if err != nil {
		fmt.Fprintf(a.stderr, "cornerstone: %v: no notification sent\n", err)
		return
	}
	if err := n.SendAll(context.WithoutCancel(ctx), evs); err != nil {
		fmt.Fprintf(a.stderr, "cornerstone: %v\n", err)
	}
}

// checkKind refuses to mix the synthetic demo sample and live data in one warehouse: a demo would
// overwrite real releases with synthetic ones. Loading a named local file (--from) into a demo
// warehouse is allowed; its outputs stay marked as demo.
func checkKind(ctx context.Context, db *warehouse.DB, isDemo, fromFile bool) error {
	var held int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM meta.releases`).Scan(&held); err != nil {
		return fmt.Errorf("reading meta.releases: %w", err)
	}
	var flag string
	err := db.QueryRow(ctx, `SELECT value FROM meta.settings WHERE key = 'demo'`).Scan(&flag)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("reading meta.settings: %w", err)
	}
	demoDB := flag == "true"
	switch {
	case isDemo && held > 0 && !demoDB:
		return fmt.Errorf("%w: %s holds live releases; run the demo with another --db", ErrMixedWarehouse, db.Path())
	case !isDemo && demoDB && !fromFile:
		return fmt.Errorf("%w: %s is a demo warehouse; use another --db for live data", ErrMixedWarehouse, db.Path())
	}
	return nil
}

func (a *app) demoCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Build everything offline from the bundled synthetic sample",
		Long: `Generate Cornerstone's synthetic sample, serve it on a loopback port at the publishers' URL
shapes, and run the whole pipeline against it: discover, fetch, land, load, build the models and
write the site to --out. Every page and chart says "DEMO DATA - synthetic figures". Running it
again loads nothing new: every release is reported unchanged.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			sample, err := demo.Generate()
			if err != nil {
				return fmt.Errorf("generating the demo sample: %w", err)
			}
			srv, err := demo.Serve(sample)
			if err != nil {
				return fmt.Errorf("serving the demo sample: %w", err)
			}
			defer srv.Close()
			if !a.quiet {
				fmt.Fprintf(a.stderr, "demo: serving the synthetic sample at %s\n", srv.URL)
			}
			job := plan.Job{Command: commandLine(cmd, args), Sources: plan.EnabledSources(nil), Build: true, AllModels: true,
				Report: true, Out: a.cfg.Out, Site: a.siteOptions()}
			return a.execute(cmd.Context(), job, srv.URL, true)
		},
	}
}

func (a *app) runCmd() *cobra.Command {
	var full bool
	c := &cobra.Command{
		Use:   "run",
		Short: "Ingest every enabled source from the publishers, build the models and write the site",
		Long: `Discover and load the newest release of every enabled source from its publisher, build every
model with its data tests, and write the site to --out. Unchanged releases are not loaded again.
A failed source does not stop the others; the summary on stderr lists what failed and why, and
the exit code is 1.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			job := plan.Job{Command: commandLine(cmd, args), Sources: plan.EnabledSources(func(id string) bool { return a.cfg.Source(id).IsEnabled() }),
				Build: true, AllModels: true, FullBuild: full, Report: true, Out: a.cfg.Out, Site: a.siteOptions()}
			return a.execute(cmd.Context(), job, "", false)
		},
	}
	c.Flags().BoolVar(&full, "full", false, "rebuild every model even when its inputs are unchanged")
	return c
}
