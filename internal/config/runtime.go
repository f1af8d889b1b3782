package config

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// DefaultGoMemoryLimit is the Go heap's soft limit unless the config or $GOMEMLIMIT sets one.
const DefaultGoMemoryLimit = "512MiB"

// Runtime tunes the Go runtime of a cornerstone process.
type Runtime struct {
	// GoMemoryLimit is the Go heap's soft limit (runtime/debug.SetMemoryLimit): the garbage
	// collector works harder as the heap nears it, so bulk loads, whose batches are short-lived,
	// hand memory back instead of growing to twice what they hold. Default "512MiB"; "off" leaves
	// the runtime's own setting; $GOMEMLIMIT, when set, wins over both. DuckDB's memory is apart
	// (Warehouse.MemoryLimit); the two together bound a national build within 1.5 GiB.
	GoMemoryLimit string `toml:"go_memory_limit"`
}

// SetDefaults fills unset fields.
func (r *Runtime) SetDefaults() {
	if r.GoMemoryLimit == "" {
		r.GoMemoryLimit = DefaultGoMemoryLimit
	}
}

// Validate reports an unreadable limit.
func (r Runtime) Validate() error {
	if _, err := r.GoMemoryLimitBytes(); err != nil {
		return err
	}
	return nil
}

// GoMemoryLimitBytes returns the soft limit to set in bytes, or 0 when the process should keep the
// runtime's own (the limit is "off", or $GOMEMLIMIT is set).
func (r Runtime) GoMemoryLimitBytes() (int64, error) {
	if os.Getenv("GOMEMLIMIT") != "" || strings.EqualFold(r.GoMemoryLimit, "off") || r.GoMemoryLimit == "" {
		return 0, nil
	}
	n, err := parseBytes(r.GoMemoryLimit)
	if err != nil {
		return 0, fmt.Errorf("runtime.go_memory_limit: %w", err)
	}
	return n, nil
}

// parseBytes reads a size such as "512MiB", "1GiB", "800MB" or "1048576" (bytes).
func parseBytes(s string) (int64, error) {
	t := strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if len(t) > len(u.suffix) && strings.EqualFold(t[len(t)-len(u.suffix):], u.suffix) {
			t, mult = strings.TrimSpace(t[:len(t)-len(u.suffix)]), u.mult
			break
		}
	}
	n, err := strconv.ParseFloat(t, 64)
	if err != nil || n <= 0 || n*float64(mult) > 1<<50 {
		return 0, fmt.Errorf("%q is not a size such as 512MiB or 1GiB", s)
	}
	return int64(n * float64(mult)), nil
}
