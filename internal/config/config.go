// Package config reads Cornerstone's configuration file (TOML) and is the only package that reads
// the environment. A Config is a plain struct: Load fills it from the file, SetDefaults fills the
// gaps, and Validate reports every bad value at once. Command-line flags override it.
package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// FileName is the config file looked for in the working folder when none is named.
const FileName = "cornerstone.toml"

// Environment variables read by Load.
const (
	EnvConfig    = "CORNERSTONE_CONFIG"    // path of the config file
	EnvReference = "CORNERSTONE_REFERENCE" // folder of real published reference files (conformance tests)
)

// Config is the whole configuration.
type Config struct {
	// DB is the warehouse file (default ./cornerstone.duckdb).
	DB string `toml:"db"`
	// Data is the raw landing folder (default ./data).
	Data string `toml:"data"`
	// Out is the site folder (default ./site).
	Out string `toml:"out"`

	Warehouse Warehouse             `toml:"warehouse"`
	Fetch     Fetch                 `toml:"fetch"`
	Sources   map[string]SourceSpec `toml:"sources"`
	Report    Report                `toml:"report"`
	Schedule  Schedule              `toml:"schedule"`
	Notify    Notify                `toml:"notify"`
	Retention Retention             `toml:"retention"`
	Runtime   Runtime               `toml:"runtime"`

	// Path is the file the config was read from ("" for defaults only).
	Path string `toml:"-"`

	// md is the file's metadata, for decoding source settings (DecodeSettings).
	md toml.MetaData
}

// DefaultMemoryLimit is DuckDB's memory limit unless the config sets one.
const DefaultMemoryLimit = "1GB"

// Warehouse tunes DuckDB.
type Warehouse struct {
	// MemoryLimit caps DuckDB's memory (default "1GB"; DuckDB spills to disk beyond it). A
	// national build stays within 1.5 GiB of resident memory with the default; DuckDB's own
	// default, 80% of RAM, lets it take gigabytes for no gain in speed on two cores.
	MemoryLimit string `toml:"memory_limit"`
	Threads     int    `toml:"threads"` // default: one per core
}

// SourceSpec configures one source.
type SourceSpec struct {
	// Enabled turns a source off for run and schedule when false (default true).
	Enabled *bool `toml:"enabled"`
	// Schedule overrides the source's default cron spec (UTC).
	Schedule string `toml:"schedule"`
	// Settings are the source's own settings (e.g. threesixtygiving funders), decoded into the
	// source's settings struct by DecodeSettings.
	Settings toml.Primitive `toml:"settings"`
}

// IsEnabled reports whether the source is enabled (true unless set false).
func (s SourceSpec) IsEnabled() bool { return s.Enabled == nil || *s.Enabled }

// Fetch configures HTTP fetching; durations are strings like "30s". Its fields are sources/fetch's
// Spec (see it for the defaults); the command line converts it and validates it with the rest of
// the file, so that this package imports nothing above it.
type Fetch struct {
	Timeout      time.Duration `toml:"timeout"`
	IdleTimeout  time.Duration `toml:"idle_timeout"`
	Retries      int           `toml:"retries"`
	BackoffBase  time.Duration `toml:"backoff_base"`
	BackoffMax   time.Duration `toml:"backoff_max"`
	MaxBytes     int64         `toml:"max_bytes"`
	MaxRedirects int           `toml:"max_redirects"`
	UserAgent    string        `toml:"user_agent"`
	// Mirror serves every publisher URL from a mirror: https://HOST/PATH is fetched from MIRROR/HOST/PATH.
	Mirror string `toml:"mirror"`
}

// Report configures the site.
type Report struct {
	// Quartiles shows quartile bands and judgemental colours on spend metrics; by default spend is
	// shown as context, never as a league table.
	Quartiles bool `toml:"quartiles"`
	// PNGFiles also writes every chart as a PNG file; without it the site draws a chart's PNG in
	// the browser when asked for, which keeps a national site's build several times faster.
	PNGFiles bool `toml:"png_files"`
}

// ErrInvalid wraps every validation failure.
var ErrInvalid = errors.New("invalid configuration")

// Load reads the config file at path; when path is empty it uses $CORNERSTONE_CONFIG, then
// ./cornerstone.toml if it exists, and otherwise returns the defaults. Unknown keys are errors (a
// misspelt key must not be silently ignored). The result has SetDefaults applied and is validated.
func Load(path string) (*Config, error) {
	cfg := &Config{}
	if path == "" {
		path = os.Getenv(EnvConfig)
	}
	if path == "" {
		if _, err := os.Stat(FileName); err == nil {
			path = FileName
		}
	}
	if path != "" {
		md, err := toml.DecodeFile(path, cfg)
		if err != nil {
			return nil, fmt.Errorf("reading config %s: %w: %w", path, ErrInvalid, err)
		}
		var keys []string
		for _, k := range md.Undecoded() {
			if len(k) > 3 && k[0] == "sources" && k[2] == "settings" {
				continue // a source's settings, decoded by DecodeSettings
			}
			keys = append(keys, k.String())
		}
		if len(keys) > 0 {
			sort.Strings(keys)
			return nil, fmt.Errorf("reading config %s: %w: unknown keys %s", path, ErrInvalid, strings.Join(keys, ", "))
		}
		cfg.Path = path
		cfg.md = md
	}
	cfg.SetDefaults()
	if err := cfg.Validate(); err != nil {
		if path != "" {
			return nil, fmt.Errorf("reading config %s: %w", path, err)
		}
		return nil, err
	}
	return cfg, nil
}

// SetDefaults fills unset fields.
func (c *Config) SetDefaults() {
	if c.DB == "" {
		c.DB = "cornerstone.duckdb"
	}
	if c.Data == "" {
		c.Data = "data"
	}
	if c.Out == "" {
		c.Out = "site"
	}
	if c.Sources == nil {
		c.Sources = map[string]SourceSpec{}
	}
	if c.Warehouse.MemoryLimit == "" {
		c.Warehouse.MemoryLimit = DefaultMemoryLimit
	}
	c.Schedule.SetDefaults()
	c.Notify.SetDefaults()
	c.Retention.SetDefaults()
	c.Runtime.SetDefaults()
}

// Validate reports every invalid value at once.
func (c *Config) Validate() error {
	var errs []error
	for name, v := range map[string]string{"db": c.DB, "data": c.Data, "out": c.Out} {
		if strings.ContainsRune(v, 0) {
			errs = append(errs, fmt.Errorf("%s: contains a NUL byte", name))
		}
	}
	if filepath.Clean(c.Out) == "/" || filepath.Clean(c.Data) == "/" {
		errs = append(errs, errors.New("out and data must not be the filesystem root"))
	}
	if c.Warehouse.Threads < 0 {
		errs = append(errs, fmt.Errorf("warehouse.threads: %d is negative", c.Warehouse.Threads))
	}
	ids := make([]string, 0, len(c.Sources))
	for id := range c.Sources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if spec := c.Sources[id].Schedule; spec != "" {
			if _, err := ParseCron(spec); err != nil {
				errs = append(errs, fmt.Errorf("sources.%s.schedule: %q: %v", id, spec, err))
			}
		}
	}
	errs = append(errs, c.Schedule.Validate()...)
	errs = append(errs, c.Notify.Validate()...)
	errs = append(errs, c.Retention.Validate()...)
	if err := c.Runtime.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %w", ErrInvalid, errors.Join(errs...))
	}
	return nil
}

// Source returns the spec for a source id (the zero spec when not configured).
func (c *Config) Source(id string) SourceSpec { return c.Sources[id] }

// ReferenceDir returns the folder of real published reference files for conformance tests:
// $CORNERSTONE_REFERENCE, else ../shared/reference relative to repoRoot. ok is false when it does
// not exist.
func ReferenceDir(repoRoot string) (dir string, ok bool) {
	dir = os.Getenv(EnvReference)
	if dir == "" {
		dir = filepath.Join(repoRoot, "..", "shared", "reference")
	}
	st, err := os.Stat(dir)
	return dir, err == nil && st.IsDir()
}

// Now is the clock; tests and reproducible builds never read it directly.
var Now = func() time.Time { return time.Now().UTC() }
