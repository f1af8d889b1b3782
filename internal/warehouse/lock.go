package warehouse

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"
)

// Lock is the single-writer lock beside a warehouse file (PATH.lock), or any other lock file
// taken with TryLock. It is an advisory flock, so the operating system releases it when the
// holder exits, even after kill -9; the file's content says who holds it and since when, and may
// carry a note for the next holder (see LeaveNote).
type Lock struct {
	f      *os.File
	path   string
	holder Holder
}

// LockPath returns the lock file path for a warehouse path.
func LockPath(dbPath string) string { return dbPath + ".lock" }

// AcquireLock takes the writer lock for dbPath without waiting. When another process holds it, it
// returns a *BusyError naming the holder. The caller must Release the lock.
func AcquireLock(dbPath, command string) (*Lock, error) {
	l, h, err := TryLock(LockPath(dbPath), command)
	if err != nil {
		return nil, err
	}
	if l == nil {
		return nil, &BusyError{Path: dbPath, Holder: h, Writer: true, Err: syscall.EWOULDBLOCK}
	}
	return l, nil
}

// TryLock takes the lock file at path without waiting and records this process, with command, as
// its holder. When another process holds it, it returns a nil Lock and that process's Holder (the
// zero Holder when its record cannot be read). A note the previous holder left is carried over:
// PreviousNote returns it until a LeaveNote replaces it.
func TryLock(path, command string) (*Lock, Holder, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, Holder{}, fmt.Errorf("opening lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			// The holder writes its record just after taking the lock: give it a moment.
			h, held := readHolderAt(path)
			for i := 0; i < 20 && held && h.PID == 0; i++ {
				time.Sleep(10 * time.Millisecond)
				h, held = readHolderAt(path)
			}
			return nil, h, nil
		}
		return nil, Holder{}, fmt.Errorf("locking %s: %w", path, err)
	}
	var prev Holder
	if b, err := io.ReadAll(io.LimitReader(f, 64<<10)); err == nil {
		_ = json.Unmarshal([]byte(strings.TrimSpace(string(b))), &prev)
	}
	host, _ := os.Hostname()
	l := &Lock{f: f, path: path, holder: Holder{PID: os.Getpid(), Host: host, Command: command,
		Since: time.Now().UTC().Truncate(time.Second), Note: prev.Note}}
	_ = l.write()
	return l, l.holder, nil
}

// write replaces the file's record with the holder's, in place: on a full disk, rewriting the
// bytes of a block the file already has still works where a new block would not.
func (l *Lock) write() error {
	b, _ := json.Marshal(l.holder)
	b = append(b, '\n')
	if _, err := l.f.WriteAt(b, 0); err != nil {
		return fmt.Errorf("writing %s: %w", l.path, err)
	}
	if err := l.f.Truncate(int64(len(b))); err != nil {
		return fmt.Errorf("writing %s: %w", l.path, err)
	}
	return l.f.Sync()
}

// maxNote bounds a note, so that the record stays within the lock file's first block.
const maxNote = 1536

// LeaveNote records note in the lock file for the next holder, which reads it with PreviousNote:
// what this process could not record in the warehouse itself (a run's end after the disk filled).
// The note survives Release and the process's end; "" clears it.
func (l *Lock) LeaveNote(note string) error {
	if l == nil || l.f == nil {
		return nil
	}
	if len(note) > maxNote {
		note = note[:maxNote]
	}
	l.holder.Note = note
	return l.write()
}

// PreviousNote returns the note the previous holders left (see LeaveNote), or "".
func (l *Lock) PreviousNote() string {
	if l == nil {
		return ""
	}
	return l.holder.Note
}

// Release unlocks and clears the holder record (keeping a note left for the next holder). It is
// safe to call on a nil Lock and more than once.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	if l.holder.Note == "" {
		_ = l.f.Truncate(0)
	}
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	cerr := l.f.Close()
	l.f = nil
	if err != nil {
		return fmt.Errorf("unlocking %s: %w", l.path, err)
	}
	return cerr
}

// ReadHolder reads who holds the writer lock of dbPath. It returns ok=false when no process holds it.
func ReadHolder(dbPath string) (Holder, bool) { return readHolderAt(LockPath(dbPath)) }

// readHolderAt reads who holds the lock file at path; ok=false when no process holds it.
func readHolderAt(path string) (Holder, bool) {
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

// LeaveNote leaves note in the writer lock file for the next writer (see Lock.LeaveNote). A
// read-only or in-memory warehouse has no lock file: the note is dropped.
func (db *DB) LeaveNote(note string) error { return db.lock.LeaveNote(note) }

// PreviousNote returns the note earlier writers left in the lock file, or "".
func (db *DB) PreviousNote() string { return db.lock.PreviousNote() }
