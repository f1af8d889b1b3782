package schedule

import (
	"errors"
	"fmt"
	"path/filepath"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// ErrAlreadyScheduled means another scheduler runs the jobs of the same warehouse.
var ErrAlreadyScheduled = errors.New("the warehouse is already scheduled")

// LockPath returns the scheduler's lock file for a warehouse path: PATH.schedule.lock.
func LockPath(db string) string { return db + ".schedule.lock" }

// lock takes the scheduler's lock of the warehouse (Options.DB) for the scheduler's life; unlock
// releases it. A second scheduler gets ErrAlreadyScheduled naming the first.
func (s *Scheduler) lock() (unlock func(), err error) {
	if s.opts.DB == "" {
		return func() {}, nil
	}
	abs, err := filepath.Abs(s.opts.DB)
	if err != nil {
		return nil, fmt.Errorf("locating the warehouse %s: %w", s.opts.DB, err)
	}
	command := s.opts.Command
	if command == "" {
		command = "cornerstone schedule"
	}
	l, h, err := warehouse.TryLock(LockPath(abs), command)
	if err != nil {
		return nil, err
	}
	if l == nil {
		return nil, fmt.Errorf("%w: %s is scheduled by %s: stop that scheduler first (two would run every job twice)", ErrAlreadyScheduled, abs, h)
	}
	return func() { l.Release() }, nil
}
