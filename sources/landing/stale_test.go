package landing

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func writeLeftovers(t *testing.T, root string) []string {
	t.Helper()
	paths := []string{filepath.Join(root, ".tmp", ".fetch-123.part"), filepath.Join(root, ".tmp", "in-456", "data.csv")}
	for _, p := range paths {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte("half a download"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return paths
}

// What a killed process left in the temp folder goes when the next process opens the zone, unless
// another process is using it (its download may be in progress).
func TestNewRemovesWhatKilledProcessesLeft(t *testing.T) {
	root := t.TempDir()
	left := writeLeftovers(t, root)
	if _, err := New(root); err != nil {
		t.Fatal(err)
	}
	for _, p := range left {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is still there (%v)", p, err)
		}
	}
	if _, err := os.Stat(filepath.Join(root, ".tmp", LockName)); err != nil {
		t.Errorf("no lock file: %v", err)
	}
	// This process uses the zone now: opening it again removes nothing.
	live := writeLeftovers(t, root)
	if _, err := New(root); err != nil {
		t.Fatal(err)
	}
	for _, p := range live {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("a second New removed %s: %v", p, err)
		}
	}

	// Another process using the zone (its own shared lock): nothing is removed.
	other := t.TempDir()
	busy := writeLeftovers(t, other)
	f, err := os.OpenFile(filepath.Join(other, ".tmp", LockName), os.O_RDONLY|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH); err != nil {
		t.Fatal(err)
	}
	if _, err := New(other); err != nil {
		t.Fatal(err)
	}
	for _, p := range busy {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("New removed %s while another process used the zone: %v", p, err)
		}
	}
}
