// Package cli is Cornerstone's command line: it parses arguments, opens what each command needs,
// runs it and decides how errors are printed and which exit code they give (0 ok, 1 failure, 2
// usage). Results go to stdout; progress, logs and summaries go to stderr.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/progress"
	"github.com/cornerstone-data/cornerstone/internal/safetext"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline/plan"
	"github.com/cornerstone-data/cornerstone/sources"
	_ "github.com/cornerstone-data/cornerstone/sources/all" // register every source
	"github.com/cornerstone-data/cornerstone/sources/fetch"
	"github.com/cornerstone-data/cornerstone/sources/landing"
)

// Exit codes.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// UsageError is a mistake in the command line; it exits 2.
type UsageError struct{ Err error }

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// ErrFailed means the command ran and reported its failures already (a pipeline with failed
// steps); it exits 1 without printing more.
var ErrFailed = errors.New("failed")

// app holds the global flags and the streams of one invocation. stderr escapes control characters
// and clips long lines (safetext.Writer): messages quote file names, headers and cells; term is
// the stream itself, for progress bars (package progress escapes its own lines).
type app struct {
	stdout, stderr io.Writer
	term           io.Writer
	configPath     string
	db, data, out  string
	quiet          bool
	cfg            *config.Config
	settings       map[string]any // the sources' settings from cfg (plan.Settings)
	cpuProfile     string
	stopProfile    func() error
}

// Main runs the command line and returns the exit code.
func Main(ctx context.Context, args []string, stdout, term io.Writer) int {
	stderr := safetext.NewWriter(term)
	a := &app{stdout: stdout, stderr: stderr, term: term}
	root := a.root()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	if _, _, err := root.Find(args); err != nil {
		fmt.Fprintf(stderr, "cornerstone: %v\nRun 'cornerstone --help' for the commands.\n", err)
		return ExitUsage
	}
	err := root.ExecuteContext(ctx)
	if a.stopProfile != nil {
		if perr := a.stopProfile(); perr != nil && err == nil {
			err = perr
		}
	}
	if err == nil {
		return ExitOK
	}
	var ue *UsageError
	switch {
	case errors.As(err, &ue):
		cmd, _, _ := root.Find(args)
		name := "cornerstone"
		if cmd != nil {
			name = cmd.CommandPath()
		}
		fmt.Fprintf(stderr, "cornerstone: %v\nRun '%s --help' for usage.\n", ue.Err, name)
		return ExitUsage
	case errors.Is(err, ErrFailed):
		return ExitFailure
	default:
		fmt.Fprintf(stderr, "cornerstone: %v\n", err)
		return ExitFailure
	}
}

func (a *app) root() *cobra.Command {
	root := &cobra.Command{
		Use:   "cornerstone",
		Short: "Evidence pipeline for English council cultural services",
		Long: `Cornerstone discovers and loads the newest public releases on council cultural services
(spend, libraries, museums, engagement, funding, population), keeps every raw file with its
provenance, builds tested SQL models in an embedded DuckDB warehouse, and writes cited evidence
reports and charts.

Start with 'cornerstone demo' (offline, synthetic data) or 'cornerstone run' (live sources).`,
		SilenceUsage:      true,
		SilenceErrors:     true,
		CompletionOptions: cobra.CompletionOptions{DisableDefaultCmd: true},
		PersistentPreRunE: func(cmd *cobra.Command, args []string) error {
			if err := a.loadConfig(cmd); err != nil {
				return err
			}
			return a.startProfile()
		},
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error { return &UsageError{Err: err} })
	pf := root.PersistentFlags()
	pf.StringVar(&a.db, "db", "", "warehouse file (default ./cornerstone.duckdb)")
	pf.StringVar(&a.data, "data", "", "raw landing folder (default ./data)")
	pf.StringVar(&a.out, "out", "", "site folder (default ./site)")
	pf.StringVar(&a.configPath, "config", "", "config file (default $CORNERSTONE_CONFIG or ./cornerstone.toml)")
	pf.BoolVarP(&a.quiet, "quiet", "q", false, "print only errors on stderr")
	pf.StringVar(&a.cpuProfile, "cpuprofile", "", "write a CPU profile of the command to this file (for go tool pprof)")
	_ = pf.MarkHidden("cpuprofile") // the flag exists
	root.AddCommand(a.demoCmd(), a.runCmd(), a.ingestCmd(), a.buildCmd(), a.reportCmd(), a.sqlCmd(),
		a.sourcesCmd(), a.runsCmd(), a.validateCmd(), a.versionCmd(), a.templateCmd(), a.scheduleCmd(), a.pruneCmd(), a.benchCmd())
	for _, c := range root.Commands() {
		c.Flags().SetInterspersed(true)
		if c.Args == nil {
			c.Args = cobra.NoArgs
		}
		wrapArgs(c)
	}
	return root
}

// wrapArgs turns argument-count errors into usage errors.
func wrapArgs(c *cobra.Command) {
	inner := c.Args
	c.Args = func(cmd *cobra.Command, args []string) error {
		if err := inner(cmd, args); err != nil {
			return &UsageError{Err: err}
		}
		return nil
	}
}

func (a *app) loadConfig(cmd *cobra.Command) error {
	cfg, err := config.Load(a.configPath)
	if err != nil {
		return err
	}
	// What config cannot check alone: the [fetch] spec and the sources' settings.
	var errs []error
	spec := fetchSpec(cfg.Fetch)
	spec.SetDefaults()
	if err := spec.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("fetch: %w", err))
	}
	settings, err := plan.Settings(cfg)
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		err := fmt.Errorf("%w: %w", config.ErrInvalid, errors.Join(errs...))
		if cfg.Path != "" {
			return fmt.Errorf("reading config %s: %w", cfg.Path, err)
		}
		return err
	}
	if a.db != "" {
		cfg.DB = a.db
	}
	if a.data != "" {
		cfg.Data = a.data
	}
	if a.out != "" {
		cfg.Out = a.out
	}
	a.cfg, a.settings = cfg, settings
	// The Go heap's soft limit (validated with the config).
	if n, _ := cfg.Runtime.GoMemoryLimitBytes(); n > 0 {
		debug.SetMemoryLimit(n)
	}
	return nil
}

func (a *app) progress() progress.Reporter {
	if a.quiet {
		return progress.Discard()
	}
	return progress.New(a.term, true)
}

// openWriter opens the warehouse for writing, taking the single-writer lock; migrating it creates
// the raw tables of every registered source that do not exist yet.
func (a *app) openWriter(ctx context.Context, command string) (*warehouse.DB, error) {
	return warehouse.Open(ctx, warehouse.Options{Path: a.cfg.DB, Command: command,
		MemoryLimit: a.cfg.Warehouse.MemoryLimit, Threads: a.cfg.Warehouse.Threads, Tables: sources.RawTables()})
}

// openReader opens the warehouse read-only.
func (a *app) openReader(ctx context.Context) (*warehouse.DB, error) {
	return warehouse.Open(ctx, warehouse.Options{Path: a.cfg.DB, ReadOnly: true,
		MemoryLimit: a.cfg.Warehouse.MemoryLimit, Threads: a.cfg.Warehouse.Threads})
}

// fetchSpec converts the config's [fetch] section to a fetch.Spec (defaults not yet applied).
func fetchSpec(f config.Fetch) fetch.Spec {
	return fetch.Spec{Timeout: f.Timeout, IdleTimeout: f.IdleTimeout, Retries: f.Retries, BackoffBase: f.BackoffBase,
		BackoffMax: f.BackoffMax, MaxBytes: f.MaxBytes, MaxRedirects: f.MaxRedirects, UserAgent: f.UserAgent, Mirror: f.Mirror}
}

func (a *app) fetchClient(mirror string) (*fetch.Client, error) {
	spec := fetchSpec(a.cfg.Fetch)
	if mirror != "" {
		spec.Mirror = mirror
	}
	return fetch.New(spec, fetch.WithProgress(a.progress()))
}

func (a *app) landing() (*landing.Zone, error) { return landing.New(a.cfg.Data) }

func commandLine(cmd *cobra.Command, args []string) string {
	return strings.TrimSpace(cmd.CommandPath() + " " + strings.Join(args, " "))
}

// Version is set at build time with -ldflags "-X github.com/cornerstone-data/cornerstone/internal/cli.Version=…".
var Version = "dev"
