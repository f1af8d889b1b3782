package sources

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// State is what the warehouse knows of a source: the newest release held and the last check.
type State struct {
	Source string
	// LastRelease names the newest release held ("mye2-persons mid-2024"); empty when none.
	LastRelease string
	// LastReleaseAt is when that release was published, or when it was first loaded when the
	// publisher gives no date. Freshness is measured from it.
	LastReleaseAt time.Time
	// LastPublished is the release's publication date (zero when unknown).
	LastPublished time.Time
	// LastChecked is when the source was last checked (discovered or loaded), failed checks
	// included; LastStatus is loaded, unchanged or failed, and LastError the failure's message.
	LastChecked time.Time
	LastStatus  string
	LastError   string
	// StaleNotifiedFor is the expected date of the release the last stale notification was about.
	StaleNotifiedFor time.Time
}

// Freshness assesses the state against the source's calendar at now.
func (s State) Freshness(c Cadence, now time.Time) Freshness { return c.Assess(s.LastReleaseAt, now) }

// ReadStates reads every source's state from meta.releases and meta.source_state, by source id.
func ReadStates(ctx context.Context, db *warehouse.DB) (map[string]State, error) {
	out := map[string]State{}
	get := func(id string) State {
		s := out[id]
		s.Source = id
		return s
	}
	rows, err := db.Query(ctx, `SELECT source, dataset, vintage, published_at, loaded_at FROM meta.releases`)
	if err != nil {
		return nil, fmt.Errorf("reading meta.releases: %w", err)
	}
	for rows.Next() {
		var id, dataset, vintage string
		var published, loaded sql.NullTime
		if err := rows.Scan(&id, &dataset, &vintage, &published, &loaded); err != nil {
			rows.Close()
			return nil, fmt.Errorf("reading meta.releases: %w", err)
		}
		at := loaded.Time
		if published.Valid {
			at = published.Time
		}
		s := get(id)
		if s.LastRelease == "" || at.After(s.LastReleaseAt) {
			s.LastRelease, s.LastReleaseAt = dataset+" "+vintage, at.UTC()
			s.LastPublished = time.Time{}
			if published.Valid {
				s.LastPublished = published.Time.UTC()
			}
		}
		out[id] = s
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading meta.releases: %w", err)
	}
	// A warehouse last written before migration 0002 (opened read-only) has no stale_notified_for.
	notifiedCol := "NULL::DATE"
	var n int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM information_schema.columns WHERE table_schema = 'meta'
		AND table_name = 'source_state' AND column_name = 'stale_notified_for'`).Scan(&n); err == nil && n > 0 {
		notifiedCol = "stale_notified_for"
	}
	rows, err = db.Query(ctx, `SELECT source, last_checked_at, coalesce(last_status, ''), coalesce(last_error, ''), `+
		notifiedCol+` FROM meta.source_state`)
	if err != nil {
		return nil, fmt.Errorf("reading meta.source_state: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, status, errText string
		var checked, notified sql.NullTime
		if err := rows.Scan(&id, &checked, &status, &errText, &notified); err != nil {
			return nil, fmt.Errorf("reading meta.source_state: %w", err)
		}
		s := get(id)
		s.LastStatus, s.LastError = status, errText
		if checked.Valid {
			s.LastChecked = checked.Time.UTC()
		}
		if notified.Valid {
			s.StaleNotifiedFor = notified.Time.UTC()
		}
		out[id] = s
	}
	return out, rows.Err()
}

// MarkStaleNotified records that a stale notification was sent for the release expected at due,
// so it is sent once per missed release, not on every check.
func MarkStaleNotified(ctx context.Context, db *warehouse.DB, source string, expected time.Time) error {
	return db.Update(ctx, func(tx *warehouse.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO meta.source_state (source, stale_notified_for) VALUES (?, ?::DATE)
			ON CONFLICT (source) DO UPDATE SET stale_notified_for = excluded.stale_notified_for`,
			source, expected.UTC().Format("2006-01-02"))
		if err != nil {
			return fmt.Errorf("recording the stale notification of %s: %w", source, err)
		}
		return nil
	})
}
