package site

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/reports/charts"
)

// Release is one source release the site was built from.
type Release struct {
	Source, Dataset, Vintage, Title, Publisher, Licence, URL, SHA256 string
	Retrieved                                                        string // YYYY-MM-DD
}

// ShortSHA is the first 12 hex digits of the file hash.
func (r Release) ShortSHA() string {
	if len(r.SHA256) > 12 {
		return r.SHA256[:12]
	}
	return r.SHA256
}

// Cite returns the chart citation of the release.
func (r Release) Cite(dataset string) charts.Source {
	return charts.Source{Publisher: r.Publisher, Dataset: dataset, Release: r.Title, Retrieved: r.Retrieved, Licence: r.Licence, URL: r.URL}
}

// Area is a council with a page.
type Area struct {
	Code, Name, Tier, Region, ECode string
}

func isDemo(ctx context.Context, db *warehouse.DB) (bool, error) {
	var v string
	err := db.QueryRow(ctx, `SELECT value FROM meta.settings WHERE key = 'demo'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading meta.settings: %w", err)
	}
	return v == "true", nil
}

func loadReleases(ctx context.Context, db *warehouse.DB) ([]Release, error) {
	rows, err := db.Query(ctx, `SELECT source, dataset, vintage, coalesce(title, ''), coalesce(publisher, ''), coalesce(licence, ''),
		coalesce(url, ''), sha256, retrieved_at FROM meta.releases ORDER BY source, dataset, vintage`)
	if err != nil {
		return nil, fmt.Errorf("reading meta.releases: %w", err)
	}
	defer rows.Close()
	var out []Release
	for rows.Next() {
		var r Release
		var ret sql.NullTime
		if err := rows.Scan(&r.Source, &r.Dataset, &r.Vintage, &r.Title, &r.Publisher, &r.Licence, &r.URL, &r.SHA256, &ret); err != nil {
			return nil, err
		}
		if ret.Valid {
			r.Retrieved = ret.Time.UTC().Format(time.DateOnly)
		}
		// Local paths say nothing to a reader and would make the site depend on the analyst's
		// folders; keep only web addresses.
		if !hasScheme(r.URL) {
			r.URL = ""
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func hasScheme(u string) bool {
	return len(u) > 8 && (u[:7] == "http://" || u[:8] == "https://")
}

// release returns the held release of source/vintage.
func (s *Site) release(source, vintage string) (Release, bool) {
	for _, r := range s.releases {
		if r.Source == source && r.Vintage == vintage {
			return r, true
		}
	}
	return Release{}, false
}

// loadAreas lists the current English councils that have data.
func loadAreas(ctx context.Context, db *warehouse.DB) ([]Area, error) {
	ok, err := tableExists(ctx, db, "core", "areas")
	if err != nil || !ok {
		return nil, err
	}
	rows, err := db.Query(ctx, `SELECT a.area_code, a.name, a.tier, coalesce(a.region, ''), coalesce(a.ecode, '')
		FROM core.areas a
		WHERE a.is_current AND a.nation = 'England'
		  AND a.tier IN ('unitary', 'county', 'non-metropolitan district', 'metropolitan district', 'london borough')
		ORDER BY a.name, a.area_code`)
	if err != nil {
		return nil, fmt.Errorf("reading core.areas: %w", err)
	}
	defer rows.Close()
	var out []Area
	for rows.Next() {
		var a Area
		if err := rows.Scan(&a.Code, &a.Name, &a.Tier, &a.Region, &a.ECode); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func tableExists(ctx context.Context, db *warehouse.DB, schema, table string) (bool, error) {
	var n int
	err := db.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?`, schema, table).Scan(&n)
	return n > 0, err
}
