package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/pipeline/plan"
)

// Bench scales: the national sample (every English council, 2 million grants) and a small one
// (the demo's areas, 200,000 grants) for a quick check.
const (
	benchNational = "national"
	benchSmall    = "small"
)

// benchPhase is one measured step: a run of this binary as a subprocess, so its peak resident
// memory is its own.
type benchPhase struct {
	key, name string
	args      []string
	limit     time.Duration // 0: no time target
	ratioOf   string        // the phase whose time this one's is compared with
	ratio     float64       // the largest acceptable ratio
	seconds   float64
	cpu       float64 // user + system seconds
	peakMiB   float64
}

// maxPeakMiB is the memory target of every phase: 1.5 GiB.
const maxPeakMiB = 1536

func (a *app) benchCmd() *cobra.Command {
	var scale, dir, phase, mirror, file, memLimit, only string
	var grants, jsonMB int
	c := &cobra.Command{
		Use:   "bench [--scale national|small] [--dir D]",
		Short: "Measure loading, building and reporting at national scale and print one table",
		Long: `Generate the national-scale synthetic sample (every English council, 2010-11 onwards, 2 million
360Giving grants in one CSV; cached in --dir by content), serve it on loopback like the demo, and
time, each as a subprocess of this binary so each has its own peak resident memory:

  read_csv       DuckDB's own read_csv of the grants CSV into a table (the physical limit)
  ingest_360     'cornerstone ingest threesixtygiving --from' the same CSV into a fresh warehouse
  full_build     the demo pipeline over the national sample: every source, every model and test
  site           'cornerstone report' for every council (PNGs drawn in the browser)
  site_png       'cornerstone report --png': the same with a PNG file for every chart (no target)
  no_change      the whole pipeline again, site included, as 'cornerstone run' does it: every
                 source re-checked, nothing new to load, build or write
  ingest_360_json  a 1 GiB 360Giving JSON file loaded like ingest_360 (memory target only)

and print one table: phase, wall seconds, CPU seconds (user + system), peak MiB, target, met.
Build with -tags duckdb_arrow for the Arrow bulk path (without it the Appender is used). --scale small uses the demo's areas
and 200,000 grants. The warehouse, landing zone and site are written under --dir and replaced on
every run. Other work on the machine slows the figures; state it when quoting them.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			switch phase {
			case "":
			case "readcsv":
				return benchReadCSV(ctx, a.cfg.DB, file)
			case "build":
				job := plan.Job{Command: "cornerstone bench --phase build", Sources: plan.EnabledSources(nil), Build: true, AllModels: true}
				return a.execute(ctx, job, mirror, true)
			case "rerun":
				job := plan.Job{Command: "cornerstone bench --phase rerun", Sources: plan.EnabledSources(nil), Build: true, AllModels: true,
					Report: true, Out: a.cfg.Out}
				return a.execute(ctx, job, mirror, true)
			default:
				return usagef("unknown bench phase %q", phase)
			}
			if scale != benchNational && scale != benchSmall {
				return usagef("--scale must be national or small, not %q", scale)
			}
			if dir == "" {
				dir = filepath.Join(os.TempDir(), "cornerstone-bench")
			}
			if grants == 0 {
				grants = 2_000_000
				if scale == benchSmall {
					grants = 200_000
				}
			}
			if jsonMB < 0 {
				jsonMB = 1024
				if scale == benchSmall {
					jsonMB = 0
				}
			}
			return a.bench(ctx, benchOptions{scale: scale, dir: dir, grants: grants, jsonBytes: int64(jsonMB) << 20, memLimit: memLimit, only: only})
		},
	}
	f := c.Flags()
	f.StringVar(&scale, "scale", benchNational, "national (every English council, 2M grants) or small (the demo's areas, 200k grants)")
	f.StringVar(&dir, "dir", "", "folder for the generated files, warehouses and site (default $TMPDIR/cornerstone-bench)")
	f.IntVar(&grants, "grants", 0, "grants in the 360Giving CSV (default 2,000,000 national, 200,000 small)")
	f.IntVar(&jsonMB, "json-mb", -1, "also load a 360Giving JSON file of this many MiB (default 1024 national, none small; 0: none)")
	f.StringVar(&memLimit, "memory-limit", "", "DuckDB memory_limit of every phase; empty keeps the config's (default 1GB)")
	f.StringVar(&only, "only", "", "run only these phases, comma-separated: readcsv, ingest, build, site, sitepng, rerun, json (site and sitepng need build's warehouse, rerun build's and site's)")
	f.StringVar(&phase, "phase", "", "run one phase in this process (used by bench itself)")
	f.StringVar(&mirror, "mirror", "", "sample server for --phase build")
	f.StringVar(&file, "file", "", "CSV for --phase readcsv")
	for _, h := range []string{"phase", "mirror", "file"} {
		_ = f.MarkHidden(h)
	}
	return c
}

// bench generates the sample, runs every phase and prints the table.
// benchOptions are bench's flags.
type benchOptions struct {
	scale, dir, memLimit, only string
	grants                     int
	jsonBytes                  int64
}

func (a *app) bench(ctx context.Context, o benchOptions) error {
	scale, dir, grants, jsonBytes := o.scale, o.dir, o.grants, o.jsonBytes
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("finding this binary: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("creating %s: %w", dir, err)
	}
	areas := demo.NationalAreas()
	if scale == benchSmall {
		areas = demo.SampleAreas
	}
	start := time.Now()
	sample, err := demo.GenerateNational(filepath.Join(dir, "sample"), areas, grants)
	if err != nil {
		return fmt.Errorf("generating the %s sample: %w", scale, err)
	}
	k, _ := demo.Key(demo.NationalGrantsURL)
	csvPath := sample.Files[k].Path
	st, err := os.Stat(csvPath)
	if err != nil {
		return fmt.Errorf("reading the grants file: %w", err)
	}
	jsonPath := ""
	if jsonBytes > 0 {
		if jsonPath, err = demo.NationalGrantsJSON(filepath.Join(dir, "sample"), areas, jsonBytes); err != nil {
			return fmt.Errorf("generating the grants JSON: %w", err)
		}
	}
	generated := time.Since(start)
	srv, err := demo.Serve(sample)
	if err != nil {
		return fmt.Errorf("serving the sample: %w", err)
	}
	defer srv.Close()
	councils := 0
	for _, ar := range areas {
		if ar.Current() {
			councils++
		}
	}
	if !a.quiet {
		fmt.Fprintf(a.stderr, "bench: %s sample (%d areas, %d current; %d grants, %.0f MB CSV) ready in %.1f s at %s\n",
			scale, len(areas), councils, grants, float64(st.Size())/1e6, generated.Seconds(), srv.URL)
	}
	db := filepath.Join(dir, "national.duckdb")
	data := filepath.Join(dir, "data")
	site := filepath.Join(dir, "site")
	scratchDB := filepath.Join(dir, "scratch.duckdb")
	scratchData := filepath.Join(dir, "scratch-data")
	phases := []*benchPhase{
		{key: "readcsv", name: "read_csv (DuckDB, the limit)", args: []string{"bench", "--phase", "readcsv", "--file", csvPath, "--db", scratchDB}},
		{key: "ingest", name: fmt.Sprintf("ingest_360 (%s-grant CSV)", grantsLabel(grants)), args: []string{"ingest", "threesixtygiving", "--from", csvPath, "--vintage", "2025-07-01",
			"--no-build", "--db", scratchDB, "--data", scratchData}, ratioOf: "read_csv (DuckDB, the limit)", ratio: 1.25},
		{key: "build", name: "full_build (ingest+models+tests)", args: []string{"bench", "--phase", "build", "--mirror", srv.URL, "--db", db, "--data", data},
			limit: 90 * time.Second},
		{key: "site", name: fmt.Sprintf("site (%d councils)", councils), args: []string{"report", "--db", db, "--out", site}, limit: 30 * time.Second},
		{key: "sitepng", name: "site_png (report --png)", args: []string{"report", "--png", "--db", db, "--out", filepath.Join(dir, "site-png")}},
		{key: "rerun", name: "no_change re-run (run, site included)", args: []string{"bench", "--phase", "rerun", "--mirror", srv.URL, "--db", db, "--data", data, "--out", site},
			limit: 3 * time.Second},
	}
	if jsonPath != "" {
		phases = append(phases, &benchPhase{key: "json", name: fmt.Sprintf("ingest_360_json (%d MiB JSON)", jsonBytes>>20),
			args: []string{"ingest", "threesixtygiving", "--from", jsonPath, "--vintage", "2025-07-01", "--no-build", "--db", scratchDB, "--data", scratchData}})
	}
	var cfgArgs []string
	if o.memLimit != "" {
		cfg := filepath.Join(dir, "bench.toml")
		if err := os.WriteFile(cfg, []byte("[warehouse]\nmemory_limit = \""+o.memLimit+"\"\n"), 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", cfg, err)
		}
		cfgArgs = []string{"--config", cfg}
	}
	if o.only != "" {
		want := map[string]bool{}
		for _, k := range strings.Split(o.only, ",") {
			want[strings.TrimSpace(k)] = true
		}
		var kept []*benchPhase
		for _, p := range phases {
			if want[p.key] {
				kept = append(kept, p)
			}
		}
		phases = kept
	}
	for _, p := range phases {
		p.args = append(p.args, cfgArgs...)
	}
	byName := map[string]*benchPhase{}
	for _, p := range phases {
		byName[p.name] = p
		switch p.key {
		case "readcsv", "ingest", "json":
			for _, target := range []string{scratchDB, scratchDB + ".wal", scratchData} {
				_ = os.RemoveAll(target)
			}
		case "build":
			for _, target := range []string{db, db + ".wal", data} {
				_ = os.RemoveAll(target)
			}
		}
		if !a.quiet {
			fmt.Fprintf(a.stderr, "bench: %s…\n", p.name)
		}
		if err := runPhase(ctx, self, p); err != nil {
			return err
		}
		if !a.quiet {
			fmt.Fprintf(a.stderr, "bench: %s: %.2f s (%.2f s CPU), peak %.0f MiB\n", p.name, p.seconds, p.cpu, p.peakMiB)
		}
	}
	for _, target := range []string{scratchDB, scratchDB + ".wal", scratchData} {
		_ = os.RemoveAll(target)
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "phase\tseconds\tcpu s\tpeak MiB\ttarget\tmet\t")
	for _, p := range phases {
		met, target := true, fmt.Sprintf("≤ %d MiB", maxPeakMiB)
		if p.peakMiB > maxPeakMiB {
			met = false
		}
		if p.limit > 0 {
			target = fmt.Sprintf("≤ %.0f s, ", p.limit.Seconds()) + target
			met = met && p.seconds <= p.limit.Seconds()
		}
		if base, ok := byName[p.ratioOf]; ok && p.ratioOf != "" {
			r := p.seconds / base.seconds
			target = fmt.Sprintf("≤ %.2fx read_csv (%.2fx), ", p.ratio, r) + target
			met = met && r <= p.ratio
		}
		mark := "yes"
		if !met {
			mark = "NO"
		}
		fmt.Fprintf(tw, "%s\t%.2f\t%.2f\t%.0f\t%s\t%s\t\n", p.name, p.seconds, p.cpu, p.peakMiB, target, mark)
	}
	return tw.Flush()
}

// grantsLabel is 2M, 200k or the number.
func grantsLabel(n int) string {
	switch {
	case n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// runPhase runs one phase as a subprocess and records its wall time and peak resident memory.
func runPhase(ctx context.Context, self string, p *benchPhase) error {
	cmd := exec.CommandContext(ctx, self, append([]string{"--quiet"}, p.args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	p.seconds = time.Since(start).Seconds()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru != nil {
		p.peakMiB = float64(ru.Maxrss) / 1024 // kilobytes on Linux
		p.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	}
	if err != nil {
		return fmt.Errorf("running bench phase %s (%s): %w\n%s", p.name, strings.Join(p.args, " "), err, stderr.String())
	}
	return nil
}

// benchReadCSV loads a CSV into a fresh table with DuckDB's own read_csv: the limit ingest is
// measured against.
func benchReadCSV(ctx context.Context, path, file string) error {
	db, err := warehouse.Open(ctx, warehouse.Options{Path: path, Command: "cornerstone bench --phase readcsv"})
	if err != nil {
		return err
	}
	if _, err := db.Exec(ctx, `CREATE TABLE bench_read_csv AS SELECT * FROM read_csv(`+warehouse.Literal(file)+`)`); err != nil {
		db.Close()
		return fmt.Errorf("loading %s with read_csv: %w", file, err)
	}
	return db.Close()
}
