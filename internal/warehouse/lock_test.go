package warehouse

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A lock file taken by TryLock names its holder to a second taker, and a note left by one holder
// reaches the next, surviving Release, until it is cleared.
func TestTryLockNamesTheHolderAndCarriesTheNote(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.duckdb.schedule.lock")
	first, h, err := TryLock(path, "cornerstone schedule (first)")
	if err != nil || first == nil || h.PID != os.Getpid() {
		t.Fatalf("first TryLock: %v %v %+v", first, err, h)
	}
	// flock locks belong to the open file: a second open in this process is refused like another
	// process would be.
	second, h, err := TryLock(path, "cornerstone schedule (second)")
	if err != nil || second != nil || h.Command != "cornerstone schedule (first)" || h.PID != os.Getpid() {
		t.Fatalf("second TryLock: %v %v %+v", second, err, h)
	}
	if err := first.LeaveNote(`{"run_id":7}` + strings.Repeat("x", 4000)); err != nil {
		t.Fatal(err)
	}
	first.Release()
	next, _, err := TryLock(path, "next")
	if err != nil || next == nil {
		t.Fatal(err)
	}
	if n := next.PreviousNote(); !strings.HasPrefix(n, `{"run_id":7}`) || len(n) != maxNote {
		t.Fatalf("note %d bytes: %.40q", len(n), n)
	}
	next.Release() // not consumed: carried on
	last, _, _ := TryLock(path, "last")
	if !strings.HasPrefix(last.PreviousNote(), `{"run_id":7}`) {
		t.Fatalf("the note did not survive a holder that did not clear it: %q", last.PreviousNote())
	}
	last.LeaveNote("")
	last.Release()
	if b, _ := os.ReadFile(path); len(b) != 0 {
		t.Fatalf("lock file after the note was cleared: %q", b)
	}
}
