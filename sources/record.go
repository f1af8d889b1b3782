package sources

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/safetext"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources/landing"
)

// recordSuccess writes the provenance of a loaded release inside the load's transaction, so data
// and ledger commit together.
func (env *Env) recordSuccess(ctx context.Context, tx *warehouse.Tx, info Info, rel Release, files []landing.File, lr *LoadResult, started time.Time) error {
	for _, f := range files {
		_, err := tx.Exec(ctx, `INSERT INTO meta.files (source, sha256, filename, path, url, final_url, retrieved_at,
			etag, last_modified, content_type, size, publisher, dataset, vintage, release, licence)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (source, sha256) DO NOTHING`,
			info.ID, f.SHA256, f.Filename, f.Rel, nullIfEmpty(f.URL), nullIfEmpty(f.FinalURL), f.RetrievedAt,
			nullIfEmpty(f.ETag), nullIfEmpty(f.LastModified), nullIfEmpty(f.ContentType), f.Size, publisherOf(info, rel),
			rel.Dataset, rel.Vintage, rel.Title, info.Licence)
		if err != nil {
			return fmt.Errorf("recording meta.files: %w", err)
		}
	}
	var published any
	if !rel.Published.IsZero() {
		published = rel.Published.UTC().Format("2006-01-02")
	}
	first := files[0]
	url := first.URL
	if url == "" {
		url = first.LocalPath
	}
	_, err := tx.Exec(ctx, `INSERT INTO meta.releases (source, dataset, vintage, title, publisher, licence, licence_url,
			page_url, url, sha256, files, published_at, retrieved_at, loaded_at, load_id, rows)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::DATE, ?, ?, ?, ?)
			ON CONFLICT (source, dataset, vintage) DO UPDATE SET title = excluded.title, publisher = excluded.publisher,
			licence = excluded.licence, licence_url = excluded.licence_url, page_url = excluded.page_url, url = excluded.url,
			sha256 = excluded.sha256, files = excluded.files, published_at = excluded.published_at,
			retrieved_at = excluded.retrieved_at, loaded_at = excluded.loaded_at, load_id = excluded.load_id, rows = excluded.rows`,
		info.ID, rel.Dataset, rel.Vintage, nullIfEmpty(rel.Title), publisherOf(info, rel), info.Licence, nullIfEmpty(info.LicenceURL),
		nullIfEmpty(rel.PageURL), nullIfEmpty(url), lr.SHA256, filesJSON(files), published, first.RetrievedAt, env.now(), lr.LoadID, lr.Rows)
	if err != nil {
		return fmt.Errorf("recording meta.releases: %w", err)
	}
	return insertLoad(ctx, tx, env.RunID, lr, started, env.now(), filesJSON(files))
}

// recordLoad records an unchanged load in its own transaction.
func (env *Env) recordLoad(ctx context.Context, lr *LoadResult, started time.Time, files []landing.File) {
	ctx = context.WithoutCancel(ctx) // the ledger is written even when the run was cancelled
	_ = env.DB.Update(ctx, func(tx *warehouse.Tx) error {
		return insertLoad(ctx, tx, env.RunID, lr, started, env.now(), filesJSON(files))
	})
}

// recordFailure records a failed load after its transaction was rolled back.
func (env *Env) recordFailure(ctx context.Context, lr *LoadResult, started time.Time) {
	env.recordLoad(ctx, lr, started, nil)
}

// insertLoad writes the meta.loads row of a load. Its text fields quote files and cells, so each is
// clipped to safetext.FieldMax bytes (and the notes to as many in all): a hostile file cannot
// bloat the ledger every later command reads.
func insertLoad(ctx context.Context, tx *warehouse.Tx, runID int64, lr *LoadResult, started, finished time.Time, files string) error {
	var errText, notes, reason any
	if lr.Err != nil {
		errText = safetext.Field(lr.Err.Error())
		reason = Reason(lr.Err)
	}
	if len(lr.Notes) > 0 {
		notes = notesJSON(lr.Notes)
	}
	var run any
	if runID > 0 {
		run = runID
	}
	_, err := tx.Exec(ctx, `INSERT INTO meta.loads (load_id, run_id, source, dataset, vintage, release, sha256, files, rows,
			started_at, finished_at, status, error, notes, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		lr.LoadID, run, lr.Release.Source, nullIfEmpty(safetext.Field(lr.Release.Dataset)), nullIfEmpty(safetext.Field(lr.Release.Vintage)),
		nullIfEmpty(safetext.Field(lr.Release.Title)), nullIfEmpty(lr.SHA256), files, lr.Rows, started, finished, lr.Status, errText, notes, reason)
	if err != nil {
		return fmt.Errorf("recording meta.loads: %w", err)
	}
	return nil
}

// notesJSON encodes a load's notes as a JSON array of at most safetext.FieldMax bytes: each note
// clipped, and the notes that do not fit replaced by one saying how many were left out.
func notesJSON(notes []string) string {
	var kept []string
	for i, n := range notes {
		next := append(append([]string{}, kept...), safetext.Clip(n, safetext.FieldMax/4))
		if b, _ := json.Marshal(next); len(b) > safetext.FieldMax-64 {
			kept = append(kept, fmt.Sprintf("… and %d more notes, left out", len(notes)-i))
			break
		}
		kept = next
	}
	b, _ := json.Marshal(kept)
	return string(b)
}

// recordCheck notes when a source was last checked and what it found, for freshness.
func (env *Env) recordCheck(ctx context.Context, source, status string, cause error, last *Release) {
	var errText, rel any
	if cause != nil {
		errText = safetext.Field(cause.Error())
	}
	if last != nil {
		rel = releaseLabel(*last)
	}
	ctx = context.WithoutCancel(ctx) // the ledger is written even when the run was cancelled
	_ = env.DB.Update(ctx, func(tx *warehouse.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO meta.source_state (source, last_checked_at, last_status, last_error, last_release, last_release_at)
			VALUES (?, ?, ?, ?, ?, CASE WHEN ? IS NULL THEN NULL ELSE ?::TIMESTAMPTZ END)
			ON CONFLICT (source) DO UPDATE SET last_checked_at = excluded.last_checked_at, last_status = excluded.last_status,
			last_error = excluded.last_error,
			last_release = coalesce(excluded.last_release, meta.source_state.last_release),
			last_release_at = CASE WHEN excluded.last_status = 'loaded' THEN excluded.last_release_at ELSE meta.source_state.last_release_at END`,
			source, env.now(), status, errText, rel, rel, env.now())
		return err
	})
}

// publisherOf is the release's publisher, defaulting to the source's.
func publisherOf(info Info, rel Release) string {
	if rel.Publisher != "" {
		return rel.Publisher
	}
	return info.Publisher
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
