package sources

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"path"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/progress"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
	"github.com/cornerstone-data/cornerstone/sources/landing"
)

// Env is everything an ingest needs. Fields are required unless noted.
type Env struct {
	DB       *warehouse.DB
	Fetch    *fetch.Client
	Landing  *landing.Zone
	Progress progress.Reporter // optional
	RunID    int64             // meta.runs id of the run, 0 when none
	Demo     bool              // releases come from the synthetic demo sample
	// Settings holds each Configurable source's decoded settings (a pointer to its settings
	// struct), by source id (optional); sources read theirs with SettingsOf.
	Settings map[string]any
	// Now returns the current time (optional; tests fix it).
	Now func() time.Time
}

func (e *Env) now() time.Time {
	if e.Now != nil {
		return e.Now().UTC()
	}
	return time.Now().UTC()
}

func (e *Env) progress() progress.Reporter {
	if e.Progress == nil {
		return progress.Discard()
	}
	return e.Progress
}

// Options modify one ingest.
type Options struct {
	// From is a local path or URL to load instead of discovering releases.
	From string
	// Dataset, Vintage and Title override what identification finds (useful with From).
	Dataset, Vintage, Title string
	// Force loads releases even when their files are unchanged.
	Force bool
	// Replace withdraws, before a return is loaded, every row held for the organisations and
	// periods it covers (sources that are Accumulators; for the others a release always replaces
	// its earlier load). It implies Force.
	Replace bool
}

// Load statuses recorded in meta.loads.
const (
	StatusLoaded    = "loaded"
	StatusUnchanged = "unchanged"
	StatusFailed    = "failed"
)

// LoadResult is the outcome of one release.
type LoadResult struct {
	LoadID  int64
	Release Release
	SHA256  string
	Status  string
	Rows    int64
	Notes   []string
	Err     error
}

// Result is the outcome of one ingest of a source.
type Result struct {
	Source string
	Loads  []LoadResult
}

// Err joins the errors of every failed release (nil when none failed).
func (r *Result) Err() error {
	var errs []error
	for _, l := range r.Loads {
		if l.Err != nil {
			errs = append(errs, l.Err)
		}
	}
	return errors.Join(errs...)
}

// Changed reports whether any release was loaded.
func (r *Result) Changed() bool {
	for _, l := range r.Loads {
		if l.Status == StatusLoaded {
			return true
		}
	}
	return false
}

// Summary returns one line such as "2 loaded (1,204 rows), 1 unchanged, 0 failed".
func (r *Result) Summary() string {
	var loaded, unchanged, failed int
	var rows int64
	for _, l := range r.Loads {
		switch l.Status {
		case StatusLoaded:
			loaded++
			rows += l.Rows
		case StatusUnchanged:
			unchanged++
		default:
			failed++
		}
	}
	return fmt.Sprintf("%d loaded (%d rows), %d unchanged, %d failed", loaded, rows, unchanged, failed)
}

// Ingest discovers (or takes from opts.From) the releases of src and loads each one that is new or
// changed, each in its own transaction. It returns the per-release outcomes and, when any release
// or the discovery failed, an error: a *LoadError naming the source, release and file. A failed
// release leaves every table as it was and is recorded in meta.loads with its reason.
func Ingest(ctx context.Context, env *Env, src Source, opts Options) (*Result, error) {
	info := src.Info()
	res := &Result{Source: info.ID}
	var releases []Release
	if opts.From != "" {
		releases = []Release{fromRelease(info, opts)}
	} else {
		var err error
		releases, err = src.Discover(ctx, env)
		if od, ok := src.(OnDemand); err == nil && len(releases) == 0 && !(ok && od.OnDemand()) {
			err = ErrNothingPublished
		}
		if err != nil {
			err = &LoadError{Source: info.ID, Err: fmt.Errorf("discovering releases: %w", err)}
			env.recordCheck(ctx, info.ID, StatusFailed, err, nil)
			return res, err
		}
	}
	var offered map[string]relOrder
	if opts.From == "" {
		offered = newestOffered(releases)
	}
	for _, rel := range releases {
		rel.Source = info.ID
		rel.Demo = rel.Demo || env.Demo
		if opts.Dataset != "" {
			rel.Dataset = opts.Dataset
		}
		if opts.Vintage != "" {
			rel.Vintage = opts.Vintage
		}
		if opts.Title != "" {
			rel.Title = opts.Title
		}
		lr := env.ingestRelease(ctx, src, rel, opts, offered)
		res.Loads = append(res.Loads, lr)
		if ctx.Err() != nil {
			break
		}
	}
	var last *Release
	for i := range res.Loads {
		if res.Loads[i].Status != StatusFailed {
			last = &res.Loads[i].Release
		}
	}
	status := StatusUnchanged
	if res.Changed() {
		status = StatusLoaded
	}
	if err := res.Err(); err != nil {
		env.recordCheck(ctx, info.ID, StatusFailed, err, last)
		return res, err
	}
	env.recordCheck(ctx, info.ID, status, nil, last)
	return res, nil
}

// fromRelease turns --from into a one-asset release.
func fromRelease(info Info, opts Options) Release {
	a := Asset{}
	if u, err := url.Parse(opts.From); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		a.URL = opts.From
		a.Name = path.Base(u.Path)
	} else {
		a.Path = opts.From
		a.Name = landing.SafeName(opts.From)
	}
	a.Kind = fetch.KindFromName(a.Name)
	return Release{Source: info.ID, Assets: []Asset{a}}
}

func (env *Env) ingestRelease(ctx context.Context, src Source, rel Release, opts Options, offered map[string]relOrder) (lr LoadResult) {
	info := src.Info()
	fromFile := opts.From != ""
	acc, _ := src.(Accumulator)
	accumulates := acc != nil && acc.Accumulates()
	started := env.now()
	lr = LoadResult{Release: rel, Status: StatusFailed}
	task := env.progress().Start(info.ID+" "+releaseLabel(rel), -1)
	var files []Fetched
	defer func() {
		for _, f := range files {
			f.removeTemp()
		}
		if lr.Err != nil {
			lr.Status = StatusFailed
			env.recordFailure(ctx, &lr, started)
			task.Done("failed")
		}
	}()
	loadID, err := env.nextLoadID(ctx)
	if err != nil {
		lr.Err = &LoadError{Source: info.ID, Release: rel.Key(), Err: err}
		return lr
	}
	lr.LoadID = loadID

	files, err = env.fetchAssets(ctx, info, rel)
	if err != nil {
		lr.Err = err
		return lr
	}
	lr.SHA256 = releaseSHA(files)

	if !opts.Force && !opts.Replace {
		held, ok, err := env.heldRelease(ctx, info.ID, lr.SHA256, accumulates)
		if err != nil {
			lr.Err = &LoadError{Source: info.ID, Release: rel.Key(), File: files[0].Name, Err: err}
			return lr
		}
		if ok {
			lr.Release.Dataset, lr.Release.Vintage = held.Dataset, held.Vintage
			if lr.Release.Title == "" {
				lr.Release.Title = held.Title
			}
			lr.Status = StatusUnchanged
			lr.Rows = held.rows
			env.recordLoad(ctx, &lr, started, nil)
			task.Done("unchanged")
			return lr
		}
	}

	if id, ok := src.(Identifier); ok {
		if err := id.Identify(ctx, &rel, files); err != nil {
			lr.Err = &LoadError{Source: info.ID, Release: rel.Key(), File: files[0].Name, Err: err}
			return lr
		}
	}
	if rel.Dataset == "" || rel.Vintage == "" {
		lr.Err = &LoadError{Source: info.ID, File: files[0].Name,
			Err: fmt.Errorf("%w; --dataset names the dataset when the source cannot tell it either", ErrNoVintage)}
		return lr
	}
	if err := checkIdentity(&rel); err != nil {
		lr.Err = &LoadError{Source: info.ID, File: files[0].Name, Err: fmt.Errorf("identifying the release: %w", err)}
		return lr
	}
	lr.Release = rel
	olderNote, err := env.checkOlder(ctx, info, rel, offered, fromFile)
	if err != nil {
		lr.Err = &LoadError{Source: info.ID, Release: rel.Key(), File: files[0].Name, Err: err}
		return lr
	}

	landed := make([]landing.File, len(files))
	for i, f := range files {
		lf, err := env.land(info, rel, f)
		if err != nil {
			lr.Err = &LoadError{Source: info.ID, Release: rel.Key(), File: f.Name, Err: err}
			return lr
		}
		landed[i] = lf
	}

	ld := &Loader{Release: rel, Files: landed, LoadID: loadID, Progress: env.progress(), Replace: opts.Replace,
		tables: map[string]warehouse.Table{}, writers: map[string]*Writer{}}
	for _, t := range info.Tables {
		ld.tables[t.Name] = t
	}
	if olderNote != "" {
		ld.Notef("%s", olderNote)
	}
	err = env.DB.Update(ctx, func(tx *warehouse.Tx) error {
		ld.tx = tx
		for _, t := range info.Tables {
			if err := tx.EnsureTable(ctx, WithLineage(t)); err != nil {
				return err
			}
			if accumulates {
				continue // Load supersedes what its file restates (Loader.Supersede)
			}
			if _, err := tx.Exec(ctx, "DELETE FROM "+warehouse.Qualified(t.Schema, t.Name)+" WHERE _dataset = ? AND _vintage = ?", rel.Dataset, rel.Vintage); err != nil {
				return fmt.Errorf("clearing %s for %s: %w", t, rel.Key(), err)
			}
		}
		if err := loadSafely(ctx, src, ld); err != nil {
			return err
		}
		for _, w := range ld.writers {
			if err := w.app.Close(); err != nil {
				return err
			}
		}
		rows, err := ld.countRows(ctx)
		if err != nil {
			return err
		}
		lr.Rows = rows
		if rows == 0 {
			return ErrEmptyRelease
		}
		if err := checkCollapse(ctx, tx, info, rel, rows); err != nil {
			return err
		}
		lr.Status = StatusLoaded
		lr.Notes = ld.notes
		return env.recordSuccess(ctx, tx, info, rel, landed, &lr, started)
	})
	if err != nil {
		lr.Status = StatusFailed
		var le *LoadError
		if !errors.As(err, &le) {
			err = &LoadError{Source: info.ID, Release: rel.Key(), File: files[0].Name, Err: err}
		}
		lr.Err = err
		return lr
	}
	task.Done(fmt.Sprintf("loaded %d rows", lr.Rows))
	for _, n := range lr.Notes {
		env.progress().Logf("  note: %s", n)
	}
	return lr
}

// loadSafely runs src.Load and turns a panic into an error so one bad file cannot crash a run.
func loadSafely(ctx context.Context, src Source, ld *Loader) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("reader panicked: %v", r)
		}
	}()
	return src.Load(ctx, ld)
}

// countRows counts the release's rows in every table of the source (bulk SQL loads included).
func (l *Loader) countRows(ctx context.Context) (int64, error) {
	var total int64
	for _, t := range l.tables {
		var n int64
		err := l.tx.QueryRow(ctx, "SELECT count(*) FROM "+warehouse.Qualified(t.Schema, t.Name)+" WHERE _load_id = ?", l.LoadID).Scan(&n)
		if err != nil {
			return 0, fmt.Errorf("counting %s: %w", t, err)
		}
		total += n
	}
	return total, nil
}

func checkCollapse(ctx context.Context, tx *warehouse.Tx, info Info, rel Release, rows int64) error {
	maxDrop := info.MaxDrop
	if maxDrop == 0 {
		maxDrop = 0.5
	}
	var prev sql.NullInt64
	var prevVintage sql.NullString
	err := tx.QueryRow(ctx, `SELECT rows, vintage FROM meta.releases WHERE source = ? AND dataset = ?
		ORDER BY loaded_at DESC LIMIT 1`, info.ID, rel.Dataset).Scan(&prev, &prevVintage)
	if errors.Is(err, sql.ErrNoRows) || !prev.Valid || prev.Int64 == 0 {
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading previous release: %w", err)
	}
	if float64(rows) < float64(prev.Int64)*(1-maxDrop) {
		return fmt.Errorf("%w: %d rows against %d in %s (more than %.0f%% fewer)", ErrRowCollapse, rows, prev.Int64, prevVintage.String, maxDrop*100)
	}
	return nil
}

type heldRel struct {
	Dataset, Vintage, Title string
	rows                    int64
}

// heldRelease finds the release held with these files. For an Accumulator any load of them counts:
// a later file of the same release takes its place in meta.releases, not its rows.
func (env *Env) heldRelease(ctx context.Context, source, sha string, anyLoad bool) (heldRel, bool, error) {
	var h heldRel
	var title sql.NullString
	var rows sql.NullInt64
	q := `SELECT dataset, vintage, title, rows FROM meta.releases WHERE source = ? AND sha256 = ? LIMIT 1`
	if anyLoad {
		q = `SELECT dataset, vintage, release, rows FROM meta.loads WHERE source = ? AND sha256 = ? AND status = 'loaded'
			ORDER BY load_id DESC LIMIT 1`
	}
	err := env.DB.QueryRow(ctx, q, source, sha).Scan(&h.Dataset, &h.Vintage, &title, &rows)
	if errors.Is(err, sql.ErrNoRows) {
		return h, false, nil
	}
	if err != nil {
		return h, false, fmt.Errorf("reading meta.releases: %w", err)
	}
	h.Title, h.rows = title.String, rows.Int64
	return h, true, nil
}

func (env *Env) nextLoadID(ctx context.Context) (int64, error) {
	var id int64
	if err := env.DB.QueryRow(ctx, `SELECT nextval('meta.load_id_seq')`).Scan(&id); err != nil {
		return 0, fmt.Errorf("allocating load id: %w", err)
	}
	return id, nil
}

func (env *Env) land(info Info, rel Release, f Fetched) (landing.File, error) {
	if f.Result == nil && f.Asset.Path == "" {
		// 304: already landed.
		return env.Landing.Lookup(info.ID, f.SHA256)
	}
	p := landing.Provenance{
		Source: info.ID, Filename: f.Name, SHA256: f.SHA256, Size: f.Size, RetrievedAt: env.now(),
		Publisher: publisherOf(info, rel), Dataset: rel.Dataset, ReleaseTitle: rel.Title, Vintage: rel.Vintage,
		Licence: info.Licence, PageURL: rel.PageURL, Demo: rel.Demo,
	}
	if r := f.Result; r != nil {
		p.URL, p.FinalURL, p.ETag, p.LastModified, p.ContentType = r.URL, r.FinalURL, r.ETag, r.LastModified, r.ContentType
		p.RetrievedAt = r.RetrievedAt
	} else {
		p.LocalPath = f.Asset.Path
	}
	return env.Landing.Land(f.Path, p)
}

func releaseLabel(r Release) string {
	switch {
	case r.Vintage != "":
		return r.Dataset + " " + r.Vintage
	case r.Title != "":
		return r.Title
	case len(r.Assets) > 0 && r.Assets[0].Name != "":
		return r.Assets[0].Name
	case len(r.Assets) > 0 && r.Assets[0].Path != "":
		return r.Assets[0].Path
	case len(r.Assets) > 0:
		return r.Assets[0].URL
	}
	return "release"
}

func filesJSON(files []landing.File) string {
	type fj struct {
		Name   string `json:"name"`
		SHA256 string `json:"sha256"`
		URL    string `json:"url,omitempty"`
	}
	out := make([]fj, len(files))
	for i, f := range files {
		out[i] = fj{f.Filename, f.SHA256, f.URL}
	}
	b, _ := json.Marshal(out)
	return string(b)
}
