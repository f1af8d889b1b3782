package cli

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// startProfile starts the CPU profile asked for with the hidden --cpuprofile flag (performance
// work: `cornerstone report --cpuprofile cpu.out`, then `go tool pprof cpu.out`); Main stops it
// when the command ends.
func (a *app) startProfile() error {
	if a.cpuProfile == "" {
		return nil
	}
	f, err := os.Create(a.cpuProfile)
	if err != nil {
		return fmt.Errorf("creating the CPU profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return fmt.Errorf("starting the CPU profile: %w", err)
	}
	a.stopProfile = func() error {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			return fmt.Errorf("writing the CPU profile: %w", err)
		}
		return nil
	}
	return nil
}
