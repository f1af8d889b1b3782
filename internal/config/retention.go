package config

import (
	"fmt"
)

// Retention says what may be deleted and when. Nothing is deleted unless a number of days is set:
// raw files are the evidence behind every figure, so keeping them is the default.
//
// `cornerstone prune` shows what the policy would delete and deletes only with --apply;
// `cornerstone schedule` applies it on Schedule (the config setting a number of days is the
// consent).
type Retention struct {
	// RawDays deletes landed raw files that no release in meta.releases refers to (superseded
	// revisions, files whose load failed) once they are older than this many days (0: keep all).
	RawDays int `toml:"raw_days"`
	// LedgerDays deletes rows of meta.runs, meta.loads and meta.test_results older than this many
	// days (0: keep all). The loads and runs that produced a release still held are always kept.
	LedgerDays int `toml:"ledger_days"`
	// Schedule is when `cornerstone schedule` applies the policy (default "30 3 * * *", UTC).
	Schedule string `toml:"schedule"`
}

// DefaultRetentionSchedule is when the scheduler prunes: 03:30 UTC daily.
const DefaultRetentionSchedule = "30 3 * * *"

// Enabled reports whether the policy deletes anything.
func (r Retention) Enabled() bool { return r.RawDays > 0 || r.LedgerDays > 0 }

// SetDefaults fills unset fields.
func (r *Retention) SetDefaults() {
	if r.Schedule == "" {
		r.Schedule = DefaultRetentionSchedule
	}
}

// Validate reports every bad value.
func (r Retention) Validate() []error {
	var errs []error
	if r.RawDays < 0 {
		errs = append(errs, fmt.Errorf("retention.raw_days: %d is negative", r.RawDays))
	}
	if r.LedgerDays < 0 {
		errs = append(errs, fmt.Errorf("retention.ledger_days: %d is negative", r.LedgerDays))
	}
	if _, err := ParseCron(r.Schedule); err != nil {
		errs = append(errs, fmt.Errorf("retention.schedule: %q: %v", r.Schedule, err))
	}
	return errs
}
