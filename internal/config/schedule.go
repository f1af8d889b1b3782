package config

import (
	"fmt"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule configures `cornerstone schedule`. Each source's cron spec is in [sources.<id>]
// schedule (default: the source's own, matched to its publisher's release cycle).
type Schedule struct {
	// LockWait is how long a scheduled job waits for another writer (an analyst's `ingest`) to
	// release the warehouse before giving up until its next tick (default 10m).
	LockWait time.Duration `toml:"lock_wait"`
	// Retries is how many times a job whose source failed transiently (a network error, a 5xx
	// after the fetch layer's own retries) is tried again within the same tick (default 1; -1 none).
	Retries int `toml:"retries"`
	// RetryDelay is the pause before such a retry (default 1m).
	RetryDelay time.Duration `toml:"retry_delay"`
	// CatchUp runs, once at start, every source whose last check is older than its previous
	// scheduled time (default true).
	CatchUp *bool `toml:"catch_up"`
	// ShutdownGrace is how long a running job may take to finish after SIGTERM before it is
	// cancelled and rolled back (default 0: cancel at once; the current step rolls back).
	ShutdownGrace time.Duration `toml:"shutdown_grace"`
}

// Schedule defaults.
const (
	DefaultLockWait   = 10 * time.Minute
	DefaultRetries    = 1
	DefaultRetryDelay = time.Minute
)

// CatchUpEnabled reports whether missed windows are caught up at start (true unless set false).
func (s Schedule) CatchUpEnabled() bool { return s.CatchUp == nil || *s.CatchUp }

// SetDefaults fills unset fields.
func (s *Schedule) SetDefaults() {
	if s.LockWait == 0 {
		s.LockWait = DefaultLockWait
	}
	if s.Retries == 0 {
		s.Retries = DefaultRetries
	}
	if s.RetryDelay == 0 {
		s.RetryDelay = DefaultRetryDelay
	}
}

// Validate reports every bad value.
func (s Schedule) Validate() []error {
	var errs []error
	if s.LockWait < 0 {
		errs = append(errs, fmt.Errorf("schedule.lock_wait: %s is negative", s.LockWait))
	}
	if s.Retries < -1 || s.Retries > 5 {
		errs = append(errs, fmt.Errorf("schedule.retries: %d: want -1 (none) to 5", s.Retries))
	}
	if s.RetryDelay < 0 {
		errs = append(errs, fmt.Errorf("schedule.retry_delay: %s is negative", s.RetryDelay))
	}
	if s.ShutdownGrace < 0 {
		errs = append(errs, fmt.Errorf("schedule.shutdown_grace: %s is negative", s.ShutdownGrace))
	}
	return errs
}

// ParseCron parses a cron spec the way the scheduler does: five fields (minute hour day-of-month
// month day-of-week) or a descriptor (@daily, @weekly, @every 6h…), always in UTC. A CRON_TZ= or
// TZ= prefix is refused: schedules are UTC so that they read the same on every machine.
func ParseCron(spec string) (cron.Schedule, error) {
	if len(spec) >= 3 && (spec[:3] == "TZ=" || len(spec) >= 8 && spec[:8] == "CRON_TZ=") {
		return nil, fmt.Errorf("time zone prefixes are not allowed: schedules are UTC")
	}
	return cron.ParseStandard(spec)
}
