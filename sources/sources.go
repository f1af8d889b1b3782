// Package sources defines what a Cornerstone data source is, keeps the registry of sources, and runs
// the one ingest procedure every source shares: discover the newest releases (or take --from), fetch
// them with the fetch layer, land them immutably with provenance, and load each release into the
// warehouse in one transaction, recording every attempt in meta.loads.
//
// Publisher packages (sources/ons, sources/mysociety, …) implement Source and call Register in
// init; sources/all imports every one of them.
package sources

import (
	"context"
	"fmt"
	"regexp"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
)

// Source is one publisher dataset family, identified by a public id such as "ons-population".
type Source interface {
	// Info describes the source; it must be constant.
	Info() Info
	// Discover returns the releases currently published, oldest first. Each release must have
	// Dataset and at least one Asset; Vintage may be left for Identify. Discover uses env.Fetch for
	// every request and returns an error naming the page it could not read or the filter that
	// matched nothing. It has no side effects: it writes nothing to the warehouse (the raw tables
	// exist from its migration) or the landing zone.
	Discover(ctx context.Context, env *Env) ([]Release, error)
	// Load parses the release's landed files and writes rows through ld. It must not commit or
	// roll back; the caller owns the transaction.
	Load(ctx context.Context, ld *Loader) error
}

// OnDemand is implemented by sources whose files are submitted rather than published (councils'
// returns): when their discovery finds nothing, the ingest is unchanged instead of failing with
// ErrNothingPublished.
type OnDemand interface {
	OnDemand() bool
}

// Identifier is implemented by sources that can tell a release's dataset, vintage and title from
// its files, for files given with --from. Identify fills what rel lacks (and may correct it); it
// must only read the files.
type Identifier interface {
	Identify(ctx context.Context, rel *Release, files []Fetched) error
}

// Info describes a source.
type Info struct {
	ID         string // public id: lower-case words joined by '-'
	Title      string // "ONS mid-year population estimates"
	Publisher  string // "Office for National Statistics"
	Licence    string // "Open Government Licence v3.0"
	LicenceURL string
	Homepage   string // the publisher's landing page for the dataset
	// Tables are the raw tables the source writes. Lineage columns (LineageColumns) are added to
	// each; do not declare them. The warehouse creates them empty when it is migrated (RawTables).
	Tables []warehouse.Table
	// Family names sources whose raw tables one model reads together (the funding sources and
	// core.funding_awards): a table of the family counts as loaded (Loaded) as soon as any source
	// of the family has loaded, so the model builds from whichever have. Empty: the source alone.
	Family string
	// Needs lists sources whose core tables this one uses while loading (e.g. name resolution
	// needs la-register); run orders them first.
	Needs []string
	// Cadence is the publisher's release calendar, for freshness.
	Cadence Cadence
	// Schedule is the default cron spec (UTC) for `cornerstone schedule`.
	Schedule string
	// MaxDrop is the largest share by which a release's row count may fall below the previous
	// release of the same dataset before the load fails as a collapse (default 0.5).
	MaxDrop float64
	// TypicalLoad is a rough time for a full load at national scale, for sources far bigger than
	// most (zero for the rest). A run starts the longest ingests first, judged by the warehouse's
	// load history; on a first run, before there is any, this stands in for it.
	TypicalLoad time.Duration
	// MaxFileBytes caps each file of a release taken from a local path (--from, or a file
	// setting): a larger one fails with ErrFileTooLarge before any of it is read. Zero leaves
	// files to the readers' own limits. Councils' returns, a few hundred rows, set 32 MiB.
	MaxFileBytes int64
}

// Cadence is a publisher's release calendar.
type Cadence struct {
	// Every is "annual", "quarterly", "monthly" or "irregular".
	Every string
	// Months are the months in which a release is normally published (annual: one or two months).
	// Monthly defaults to every month, quarterly to January, April, July and October.
	Months []time.Month
	// Day is the day of the month a release is expected from (default 1; clamped to the month's
	// length).
	Day int
	// Grace is how long after the expected date a release may be late before the source is stale.
	Grace time.Duration
	// Note says where the calendar comes from.
	Note string
}

// Release is one published version of a dataset: one or more files.
type Release struct {
	Source    string
	Dataset   string    // stable name of the series, e.g. "mye2-persons"
	Vintage   string    // which version, e.g. "mid-2024"; releases of a dataset are kept per vintage
	Title     string    // the publisher's title for the release
	Published time.Time // publication date when known
	PageURL   string    // the release page
	// Publisher overrides Info.Publisher when a source gathers releases from another publisher
	// (la-register also reads ONS's code lookups).
	Publisher string
	Assets    []Asset
	// Demo marks a release served from the synthetic demo sample.
	Demo bool
}

// Key returns dataset@vintage, or the dataset alone while the vintage is not known (a --from file
// before its contents are identified), or "" when neither is.
func (r Release) Key() string {
	if r.Vintage == "" {
		return r.Dataset
	}
	return r.Dataset + "@" + r.Vintage
}

// Asset is one file of a release.
type Asset struct {
	URL  string     // where to fetch it; empty when Path is set
	Path string     // a local file (--from PATH)
	Name string     // file name; defaults to the last URL path element
	Kind fetch.Kind // what the bytes must be
	Role string     // "data" (default) or a companion role such as "metadata"
}

// Fetched is an asset retrieved but not yet landed (or found unchanged in the landing zone).
type Fetched struct {
	Asset
	Path   string // file on disk; before landing, a temp file named as the asset (Name)
	SHA256 string
	Size   int64
	Result *fetch.Result // nil for local files and for files reused after 304 Not Modified
	stage  string        // the temp folder holding Path, removed after the load ("" once landed)
}

var idRe = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate checks an Info for registration.
func (i Info) Validate() error {
	if !idRe.MatchString(i.ID) {
		return fmt.Errorf("source id %q: want lower-case words joined by '-'", i.ID)
	}
	if i.Title == "" || i.Publisher == "" || i.Licence == "" {
		return fmt.Errorf("source %s: Title, Publisher and Licence are required", i.ID)
	}
	if len(i.Tables) == 0 {
		return fmt.Errorf("source %s: declares no tables", i.ID)
	}
	for _, t := range i.Tables {
		if t.Schema != "raw" {
			return fmt.Errorf("source %s: table %s must be in schema raw", i.ID, t)
		}
		if err := WithLineage(t).Check(); err != nil {
			return fmt.Errorf("source %s: %w", i.ID, err)
		}
	}
	if i.MaxDrop < 0 || i.MaxDrop > 1 {
		return fmt.Errorf("source %s: MaxDrop %v outside 0..1", i.ID, i.MaxDrop)
	}
	return nil
}

// LineageColumns are added to every raw table: which load, release, file, sheet and row each row
// came from.
var LineageColumns = []warehouse.Column{
	{Name: "_load_id", Type: "BIGINT", Doc: "meta.loads.load_id of the load that wrote the row"},
	{Name: "_dataset", Type: "VARCHAR", Doc: "release dataset"},
	{Name: "_vintage", Type: "VARCHAR", Doc: "release vintage"},
	{Name: "_file", Type: "VARCHAR", Doc: "file name as published"},
	{Name: "_sheet", Type: "VARCHAR", Doc: "sheet name (empty for CSV and JSON)"},
	{Name: "_row", Type: "BIGINT", Doc: "row number in the sheet as a spreadsheet shows it, or record number"},
}

// WithLineage returns t with the lineage columns appended.
func WithLineage(t warehouse.Table) warehouse.Table {
	t.Columns = append(append([]warehouse.Column{}, t.Columns...), LineageColumns...)
	return t
}
