// Package retention applies Cornerstone's retention policy (the [retention] section of the config
// file): it deletes landed raw files that no held release refers to once they are older than
// retention.raw_days, and run-ledger rows (meta.runs, meta.loads, meta.test_results) older than
// retention.ledger_days. Nothing is deleted unless a number of days is set, and never a file or a
// ledger row behind a release still held: raw files are the evidence behind every figure.
//
// `cornerstone prune` shows a Plan and applies it with --apply; `cornerstone schedule` applies it
// on retention.schedule.
package retention

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources/landing"
)

// File is one landed raw file the policy deletes: the whole content-addressed folder (file and
// provenance sidecar).
type File struct {
	Source      string    `json:"source"`
	SHA256      string    `json:"sha256"`
	Dir         string    `json:"dir"` // absolute path of <data>/<source>/<sha256>
	Name        string    `json:"name,omitempty"`
	Size        int64     `json:"size"`
	RetrievedAt time.Time `json:"retrieved_at"`
}

// Plan is what the policy deletes at a moment.
type Plan struct {
	Policy config.Retention `json:"-"`
	// RawBefore and LedgerBefore are the cut-offs (zero when that part of the policy is off).
	RawBefore    time.Time `json:"raw_before,omitzero"`
	LedgerBefore time.Time `json:"ledger_before,omitzero"`
	Files        []File    `json:"files"`
	// Temp are abandoned downloads under <data>/.tmp older than the raw cut-off.
	Temp []string `json:"temp"`
	// Runs, Loads and Tests count the ledger rows to delete.
	Runs  int64 `json:"runs"`
	Loads int64 `json:"loads"`
	Tests int64 `json:"tests"`
}

// Bytes is the total size of the files to delete.
func (p *Plan) Bytes() int64 {
	var n int64
	for _, f := range p.Files {
		n += f.Size
	}
	return n
}

// Empty reports whether the plan deletes nothing.
func (p *Plan) Empty() bool {
	return len(p.Files) == 0 && len(p.Temp) == 0 && p.Runs == 0 && p.Loads == 0 && p.Tests == 0
}

// Summary is one line: "3 raw files (12.4 MB), 1 abandoned download, 40 runs, 120 loads, 800 test results".
func (p *Plan) Summary() string {
	return fmt.Sprintf("%d raw files (%s), %d abandoned downloads, %d runs, %d loads, %d test results",
		len(p.Files), humanBytes(p.Bytes()), len(p.Temp), p.Runs, p.Loads, p.Tests)
}

var shaRe = regexp.MustCompile(`^[0-9a-f]{64}$`)

// Make works out what policy deletes at now. db may be read-only.
func Make(ctx context.Context, db *warehouse.DB, zone *landing.Zone, policy config.Retention, now time.Time) (*Plan, error) {
	p := &Plan{Policy: policy, Files: []File{}, Temp: []string{}}
	now = now.UTC()
	if policy.RawDays > 0 {
		p.RawBefore = now.AddDate(0, 0, -policy.RawDays)
		held, err := heldFiles(ctx, db)
		if err != nil {
			return nil, err
		}
		if err := p.findFiles(zone, held); err != nil {
			return nil, err
		}
	}
	if policy.LedgerDays > 0 {
		p.LedgerBefore = now.AddDate(0, 0, -policy.LedgerDays)
		for _, c := range []struct {
			n *int64
			q string
		}{{&p.Runs, "SELECT count(*) " + runsWhere}, {&p.Loads, "SELECT count(*) " + loadsWhere}, {&p.Tests, "SELECT count(*) " + testsWhere}} {
			if err := db.QueryRow(ctx, c.q, p.LedgerBefore).Scan(c.n); err != nil {
				return nil, fmt.Errorf("counting the ledger rows to prune: %w", err)
			}
		}
	}
	return p, nil
}

// The ledger rows the policy deletes: older than the cut-off, and not behind a release still held
// (its load, the run of that load) nor behind a model as built (its run), nor a run still running.
const (
	keptLoads  = `(SELECT load_id FROM meta.releases WHERE load_id IS NOT NULL)`
	keptRuns   = `(SELECT run_id FROM meta.loads WHERE run_id IS NOT NULL AND load_id IN ` + keptLoads + ` UNION SELECT run_id FROM meta.models WHERE run_id IS NOT NULL)`
	runsWhere  = `FROM meta.runs WHERE started_at < ? AND status <> 'running' AND run_id NOT IN ` + keptRuns
	loadsWhere = `FROM meta.loads WHERE started_at < ? AND load_id NOT IN ` + keptLoads
	testsWhere = `FROM meta.test_results WHERE checked_at < ? AND coalesce(run_id, -1) NOT IN ` + keptRuns
)

// heldFiles returns "source/sha256" of every file of every release in meta.releases.
func heldFiles(ctx context.Context, db *warehouse.DB) (map[string]bool, error) {
	rows, err := db.Query(ctx, `SELECT source, sha256, coalesce(files, '[]') FROM meta.releases`)
	if err != nil {
		return nil, fmt.Errorf("reading meta.releases: %w", err)
	}
	defer rows.Close()
	held := map[string]bool{}
	for rows.Next() {
		var source, sha, files string
		if err := rows.Scan(&source, &sha, &files); err != nil {
			return nil, fmt.Errorf("reading meta.releases: %w", err)
		}
		held[source+"/"+sha] = true
		var fs []struct {
			SHA256 string `json:"sha256"`
		}
		if err := json.Unmarshal([]byte(files), &fs); err != nil {
			return nil, fmt.Errorf("reading meta.releases files of %s: %w", source, err)
		}
		for _, f := range fs {
			held[source+"/"+f.SHA256] = true
		}
	}
	return held, rows.Err()
}

// findFiles lists the landed folders no held release refers to, retrieved before the cut-off, and
// abandoned downloads older than it.
func (p *Plan) findFiles(zone *landing.Zone, held map[string]bool) error {
	root := zone.Root()
	srcs, err := os.ReadDir(root)
	if err != nil {
		return fmt.Errorf("listing the landing zone %s: %w", root, err)
	}
	for _, s := range srcs {
		if !s.IsDir() {
			continue
		}
		if s.Name() == ".tmp" {
			if err := p.findTemp(filepath.Join(root, ".tmp")); err != nil {
				return err
			}
			continue
		}
		dirs, err := os.ReadDir(filepath.Join(root, s.Name()))
		if err != nil {
			return fmt.Errorf("listing the landing zone: %w", err)
		}
		for _, d := range dirs {
			if !d.IsDir() || !shaRe.MatchString(d.Name()) || held[s.Name()+"/"+d.Name()] {
				continue
			}
			f := File{Source: s.Name(), SHA256: d.Name(), Dir: filepath.Join(root, s.Name(), d.Name())}
			if lf, err := zone.Lookup(f.Source, f.SHA256); err == nil {
				f.Name, f.Size, f.RetrievedAt = lf.Filename, lf.Size, lf.RetrievedAt.UTC()
			} else if info, err := d.Info(); err == nil {
				f.RetrievedAt = info.ModTime().UTC() // a folder without a readable sidecar
			}
			if f.RetrievedAt.IsZero() || !f.RetrievedAt.Before(p.RawBefore) {
				continue
			}
			p.Files = append(p.Files, f)
		}
	}
	sort.Slice(p.Files, func(i, j int) bool {
		if p.Files[i].Source != p.Files[j].Source {
			return p.Files[i].Source < p.Files[j].Source
		}
		return p.Files[i].RetrievedAt.Before(p.Files[j].RetrievedAt)
	})
	return nil
}

func (p *Plan) findTemp(dir string) error {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("listing %s: %w", dir, err)
	}
	for _, e := range ents {
		if e.Name() == landing.LockName {
			continue // held by every process using the zone
		}
		info, err := e.Info()
		if err == nil && info.ModTime().Before(p.RawBefore) {
			p.Temp = append(p.Temp, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(p.Temp)
	return nil
}

// Apply deletes what the plan lists: the ledger rows in one transaction (recounted at the plan's
// cut-off, so rows added since are kept), then each file folder and its meta.files row. It needs
// the warehouse open for writing, which also keeps any ingest from landing files meanwhile.
func (p *Plan) Apply(ctx context.Context, db *warehouse.DB) error {
	if !p.LedgerBefore.IsZero() {
		err := db.Update(ctx, func(tx *warehouse.Tx) error {
			// Test results and loads first: their conditions read meta.runs and meta.loads.
			for _, q := range []string{"DELETE " + testsWhere, "DELETE " + runsWhere, "DELETE " + loadsWhere} {
				if _, err := tx.Exec(ctx, q, p.LedgerBefore); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("pruning the run ledger: %w", err)
		}
	}
	var errs []error
	for _, f := range p.Files {
		if err := removeAll(f.Dir); err != nil {
			errs = append(errs, fmt.Errorf("deleting %s: %w", f.Dir, err))
			continue
		}
		if _, err := db.Exec(ctx, `DELETE FROM meta.files WHERE source = ? AND sha256 = ?`, f.Source, f.SHA256); err != nil {
			errs = append(errs, fmt.Errorf("deleting meta.files row of %s/%s: %w", f.Source, f.SHA256, err))
		}
	}
	for _, t := range p.Temp {
		if err := removeAll(t); err != nil {
			errs = append(errs, fmt.Errorf("deleting %s: %w", t, err))
		}
	}
	return errors.Join(errs...)
}

// removeAll deletes a landed folder; its file is read-only but the folder is not, so RemoveAll
// works, and a folder already gone is fine.
func removeAll(dir string) error {
	err := os.RemoveAll(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

func humanBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}
