package warehouse

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"
)

// Lock is the single-writer lock beside a warehouse file (PATH.lock). It is an advisory flock, so
// the operating system releases it when the holder exits, even after kill -9; the file's content
// says who holds it and since when.
type Lock struct {
	f    *os.File
	path string
}

// LockPath returns the lock file path for a warehouse path.
func LockPath(dbPath string) string { return dbPath + ".lock" }

// AcquireLock takes the writer lock for dbPath without waiting. When another process holds it, it
// returns a *BusyError naming the holder. The caller must Release the lock.
func AcquireLock(dbPath, command string) (*Lock, error) {
	path := LockPath(dbPath)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("opening lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			// The holder writes its record just after taking the lock: give it a moment.
			h, held := ReadHolder(dbPath)
			for i := 0; i < 20 && held && h.PID == 0; i++ {
				time.Sleep(10 * time.Millisecond)
				h, held = ReadHolder(dbPath)
			}
			return nil, &BusyError{Path: dbPath, Holder: h, Writer: true, Err: err}
		}
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	host, _ := os.Hostname()
	h := Holder{PID: os.Getpid(), Host: host, Command: command, Since: time.Now().UTC().Truncate(time.Second)}
	b, _ := json.Marshal(h)
	if err := f.Truncate(0); err == nil {
		_, err = f.WriteAt(append(b, '\n'), 0)
		if err == nil {
			err = f.Sync()
		}
	}
	return &Lock{f: f, path: path}, nil
}

// Release unlocks and clears the holder record. It is safe to call on a nil Lock and more than once.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	cerr := l.f.Close()
	l.f = nil
	if err != nil {
		return fmt.Errorf("unlocking %s: %w", l.path, err)
	}
	return cerr
}

// ReadHolder reads who holds the writer lock of dbPath. It returns ok=false when no process holds it.
func ReadHolder(dbPath string) (Holder, bool) {
	path := LockPath(dbPath)
	f, err := os.Open(path)
	if err != nil {
		return Holder{}, false
	}
	defer f.Close()
	// If we can take a shared lock, nobody holds the exclusive one.
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err == nil {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return Holder{}, false
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Holder{}, true
	}
	var h Holder
	if json.Unmarshal([]byte(strings.TrimSpace(string(b))), &h) != nil {
		return Holder{}, true
	}
	return h, true
}
