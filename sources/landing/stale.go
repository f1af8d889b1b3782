package landing

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
)

// LockName is the file in the temp folder (.tmp) that every process using the zone holds a shared
// flock on for its life; the temp folder's cleanup takes it exclusively. Pruning leaves it alone.
const LockName = ".lock"

// users holds this process's shared lock on each zone it has opened, by root.
var users = struct {
	sync.Mutex
	byRoot map[string]*os.File
}{byRoot: map[string]*os.File{}}

// claim registers this process as a user of the zone at root, once per process. When no other
// process uses the zone, it first removes everything in the temp folder: what a process killed in
// the middle of a download or a landing left there (a partial .part file, a staging folder). The
// lock is an flock, so the operating system drops it when its holder dies, kill -9 included.
func claim(root string) error {
	users.Lock()
	defer users.Unlock()
	if _, ok := users.byRoot[root]; ok {
		return nil
	}
	tmp := filepath.Join(root, ".tmp")
	f, err := os.OpenFile(filepath.Join(tmp, LockName), os.O_RDONLY|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("opening landing zone %s: %w", root, err)
	}
	fd := int(f.Fd())
	var cleanErr error
	if syscall.Flock(fd, syscall.LOCK_EX|syscall.LOCK_NB) == nil {
		cleanErr = cleanTemp(tmp)
	}
	// Shared from now on; this waits only while another process is cleaning.
	if err := syscall.Flock(fd, syscall.LOCK_SH); err != nil {
		f.Close()
		return fmt.Errorf("locking landing zone %s: %w", root, err)
	}
	users.byRoot[root] = f
	return cleanErr
}

// cleanTemp removes every entry of the temp folder but the lock file.
func cleanTemp(tmp string) error {
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return fmt.Errorf("cleaning %s: %w", tmp, err)
	}
	for _, e := range entries {
		if e.Name() == LockName {
			continue
		}
		if err := os.RemoveAll(filepath.Join(tmp, e.Name())); err != nil {
			return fmt.Errorf("cleaning %s: %w", tmp, err)
		}
	}
	return nil
}
