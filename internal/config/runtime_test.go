package config

import (
	"errors"
	"testing"
)

func TestGoMemoryLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	for in, want := range map[string]int64{"512MiB": 512 << 20, "1GiB": 1 << 30, "800MB": 800e6, "1048576": 1 << 20, "off": 0, "OFF": 0, " 2 GiB ": 2 << 30} {
		got, err := Runtime{GoMemoryLimit: in}.GoMemoryLimitBytes()
		if err != nil || got != want {
			t.Errorf("%q: %d, %v; want %d", in, got, err, want)
		}
	}
	var r Runtime
	r.SetDefaults()
	if got, _ := r.GoMemoryLimitBytes(); got != 512<<20 {
		t.Errorf("default %d, want 512 MiB", got)
	}
	for _, bad := range []string{"lots", "-1GiB", "0", "1TiB2"} {
		if _, err := (Runtime{GoMemoryLimit: bad}).GoMemoryLimitBytes(); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	cfg := &Config{Runtime: Runtime{GoMemoryLimit: "lots"}}
	cfg.SetDefaults()
	if err := cfg.Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("Validate with a bad limit: %v, want ErrInvalid", err)
	}
	// $GOMEMLIMIT wins: the process keeps the runtime's own limit.
	t.Setenv("GOMEMLIMIT", "300MiB")
	if got, _ := r.GoMemoryLimitBytes(); got != 0 {
		t.Errorf("with $GOMEMLIMIT set: %d, want 0 (keep the runtime's)", got)
	}
}
