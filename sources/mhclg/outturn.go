package mhclg

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
	"github.com/cornerstone-data/cornerstone/sources/govuk"
)

func registerRevenue() {
	sources.Register(Outturn{})
	sources.Register(Budget{})
}

// Outturn is the mhclg-revenue-outturn source: every RO5 per-authority workbook from 2010-11 to
// the newest year (each release page and each revision of it a vintage of its own), and the
// Revenue Outturn multi-year time series with its metadata dictionary.
type Outturn struct{}

// Dataset names. RO5 workbooks are one dataset per financial year ("ro5-2024-25"), so the first
// release and later revisions of a year are vintages of one dataset; the time series is one
// dataset ("ro-time-series") whose versions are vintages.
const (
	RO5DatasetPrefix  = "ro5-"
	TimeSeriesDataset = "ro-time-series"
	RADatasetPrefix   = "ra-"
)

// RO5Table is raw.mhclg_ro5: one row per authority and value column of an RO5 workbook, exactly as
// published (every service line, kept or not), in £ thousand.
var RO5Table = warehouse.Table{Schema: "raw", Name: "mhclg_ro5", Doc: "RO5 revenue outturn per authority, one row per authority and published value column (£ thousand)", Columns: []warehouse.Column{
	{Name: "financial_year", Type: "VARCHAR", Doc: "2024-25"},
	{Name: "ecode", Type: "VARCHAR", Doc: "MHCLG E-code as published (E5031)"},
	{Name: "ons_code", Type: "VARCHAR", Doc: "ONS code as published (absent in older files)"},
	{Name: "la_name", Type: "VARCHAR", Doc: "Local authority as published"},
	{Name: "la_class", Type: "VARCHAR", Doc: "Class as published (UA, SD, MD, L/LB, SC, O…)"},
	{Name: "detailed_class", Type: "VARCHAR"},
	{Name: "status", Type: "VARCHAR", Doc: "submitted, or not submitted when the authority's row has no value at all"},
	{Name: "service", Type: "VARCHAR", Doc: "service line as published (\"Culture and heritage - Archives\")"},
	{Name: "measure_text", Type: "VARCHAR", Doc: "measure header as published"},
	{Name: "measure", Type: "VARCHAR", Doc: "C1 … C9"},
	{Name: "line", Type: "VARCHAR", Doc: "Cornerstone line key (archives, library, total_cultural…) or NULL for lines not kept"},
	{Name: "header", Type: "VARCHAR", Doc: "the column header as published (flat) or \"<service> / <measure>\" (two-level)"},
	{Name: "value_thousand", Type: "DOUBLE", Doc: "value in £ thousand; NULL when the cell is blank or a marker"},
	{Name: "value_note", Type: "VARCHAR", Doc: "why value_thousand is NULL: blank, not submitted, suppressed [c], not available [x], unknown .., error cell #N/A…"},
	{Name: "unit", Type: "VARCHAR", Doc: "GBP thousand"},
	{Name: "layout", Type: "VARCHAR", Doc: "flat, two-level or three-sheet"},
}}

// Info describes the source.
func (Outturn) Info() sources.Info {
	return sources.Info{
		ID:         "mhclg-revenue-outturn",
		Title:      "Local authority revenue expenditure and financing: revenue outturn (RO5) and the multi-year time series",
		Publisher:  Publisher,
		Licence:    Licence,
		LicenceURL: LicenceURL,
		Homepage:   govuk.PageURL(RevenueCollection),
		Tables:     []warehouse.Table{RO5Table, TimeSeriesTable, TimeSeriesColumnsTable},
		Cadence: sources.Cadence{Every: "annual", Months: []time.Month{time.November, time.December}, Grace: 120 * 24 * time.Hour,
			Note: "first release in the autumn after the year ends, revised the following autumn; the multi-year data set follows"},
		Schedule:    "0 5 * * 1",
		TypicalLoad: 30 * time.Second,
		// A later vintage of a year may drop a few authorities' rows, never half.
		MaxDrop: 0.5,
	}
}

var (
	ro5FileRes    = []*regexp.Regexp{regexp.MustCompile(`(?i)^RO5[_ -]`), regexp.MustCompile(`(?i)^Revenue_Outturn__RO5__`)}
	tsDataRe      = regexp.MustCompile(`(?i)^Revenue_Outturn_time_series_data.*\.csv$`)
	tsMetaRe      = regexp.MustCompile(`(?i)^Revenue_Outturn_metadata.*\.(ods|xlsx|xls|csv)$`)
	versionRe     = regexp.MustCompile(`(?i)_v(\d+(?:\.\d+)*)_?\.`)
	ro5TitleWords = []string{"(RO5)"}
)

// Discover lists every outturn release page of the revenue collection from 2010-11 and takes each
// page's RO5 workbook, plus the multi-year data set's time series CSV and metadata workbook. Pages
// that hold no RO5 file (national summaries) are passed over; a collection where no page holds one
// is an error naming the collection and the patterns.
func (Outturn) Discover(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	pages, err := revenuePages(ctx, env, pageOutturn)
	if err != nil {
		return nil, err
	}
	var out []sources.Release
	for _, p := range pages {
		if fyStart(p.Year) < FirstYear {
			continue
		}
		page, err := govuk.Get(ctx, env.Fetch, p.Doc.BasePath)
		if err != nil {
			return nil, err
		}
		att, ok := findAttachment(page, ro5FileRes, ro5TitleWords)
		if !ok {
			continue
		}
		out = append(out, sources.Release{
			Dataset: RO5DatasetPrefix + p.Year, Vintage: vintageOf(page.Updated(), p.Stage),
			Title: page.Title + ": " + att.Title, PageURL: govuk.PageURL(p.Doc.BasePath), Published: page.Updated(),
			Assets: []sources.Asset{{URL: att.URL, Name: att.Name(), Kind: att.Kind()}},
		})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: none of the %d outturn pages of %s has an attachment matching %v or titled %q",
			sources.ErrNothingPublished, len(pages), govuk.PageURL(RevenueCollection), ro5FileRes, ro5TitleWords)
	}
	ts, err := discoverTimeSeries(ctx, env)
	if err != nil {
		return nil, err
	}
	return append(out, ts...), nil
}

// discoverTimeSeries finds the multi-year data set page and its CSV and metadata attachments.
func discoverTimeSeries(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	pages, err := revenuePages(ctx, env, pageTimeSeries)
	if err != nil {
		return nil, err
	}
	var out []sources.Release
	for _, p := range pages {
		page, err := govuk.Get(ctx, env.Fetch, p.Doc.BasePath)
		if err != nil {
			return nil, err
		}
		data, err := page.Attachment(tsDataRe)
		if err != nil {
			return nil, err
		}
		vintage := vintageOf(page.Updated(), "multi-year")
		if m := versionRe.FindStringSubmatch(data.Name()); m != nil {
			vintage += "-v" + m[1]
		}
		rel := sources.Release{
			Dataset: TimeSeriesDataset, Vintage: vintage, Title: page.Title + ": " + data.Title,
			PageURL: govuk.PageURL(p.Doc.BasePath), Published: page.Updated(),
			Assets: []sources.Asset{{URL: data.URL, Name: data.Name(), Kind: fetch.KindCSV}},
		}
		meta, err := page.Attachment(tsMetaRe)
		if err != nil {
			return nil, fmt.Errorf("the time series has no column dictionary: %w", err)
		}
		rel.Assets = append(rel.Assets, sources.Asset{URL: meta.URL, Name: meta.Name(), Kind: meta.Kind(), Role: "metadata"})
		out = append(out, rel)
	}
	return out, nil
}

// Identify tells an RO5 workbook (its financial year from the sheet names, title rows or file
// name) from a time series CSV (its year_ending column) for files given with --from. Which release
// of the year a workbook is (first release or revision) is not in the file: unless --vintage says
// it, the load is refused with sources.ErrNoVintage, as every source refuses a vintage it cannot
// tell. A time series file names its version ("_v3.1."): that is its vintage ("v3.1").
func (Outturn) Identify(ctx context.Context, rel *sources.Release, files []sources.Fetched) error {
	f := files[0]
	kind, fy, err := sniffRevenueFile(f.Path, f.Name)
	if err != nil {
		return err
	}
	switch kind {
	case "ro5":
		if fy == "" {
			return fmt.Errorf("%s: the sheet names, title rows and file name do not say the financial year: %w", f.Name, sources.ErrNoVintage)
		}
		if rel.Dataset == "" {
			rel.Dataset = RO5DatasetPrefix + fy
		}
		if rel.Title == "" {
			rel.Title = "Revenue outturn cultural, environmental, regulatory and planning services (RO5) " + fy + " (" + f.Name + ")"
		}
	case "time-series":
		if rel.Dataset == "" {
			rel.Dataset = TimeSeriesDataset
		}
		if rel.Title == "" {
			rel.Title = "Revenue outturn multi-year data set (" + f.Name + ")"
		}
	default:
		return fmt.Errorf("%s is neither an RO5 workbook nor the revenue outturn time series: %w", f.Name, errNotRO5)
	}
	if rel.Vintage == "" && kind == "time-series" {
		if m := versionRe.FindStringSubmatch(f.Name); m != nil {
			rel.Vintage = "v" + m[1]
		}
	}
	if rel.Vintage == "" {
		return fmt.Errorf("%s: the file does not say which release of %s it is (first release or revision): %w", f.Name, rel.Dataset, sources.ErrNoVintage)
	}
	return nil
}

// sniffRevenueFile reads the top of a file: "ro5" with its financial year or "time-series"; an RO5
// workbook whose layout changed fails with the *sources.LayoutError, and an RA file with a message
// naming the budget source.
func sniffRevenueFile(path, name string) (kind, fy string, err error) {
	wb, err := sheets.Open(path)
	if err != nil {
		return "", "", err
	}
	if wb.Format() == sheets.FormatCSV {
		defer wb.Close()
		rows, err := wb.Rows("")
		if err != nil {
			return "", "", err
		}
		defer rows.Close()
		if rows.Next() {
			for _, c := range rows.Row() {
				if strings.EqualFold(strings.Trim(norm(c.Value), `"`), "year_ending") {
					return "time-series", "", nil
				}
			}
		}
		return "", "", rows.Err()
	}
	wb.Close()
	b, err := openRO5(path, name)
	if err == nil {
		return "ro5", b.fy, nil
	}
	if _, raErr := openRA(path, name); raErr == nil {
		return "", "", fmt.Errorf("%s is a revenue account budget (RA) file: load it with mhclg-revenue-budget: %w", name, errNotRO5)
	}
	return "", "", err
}

// Load reads the release: an RO5 workbook, or the time series CSV with its metadata.
func (Outturn) Load(ctx context.Context, ld *sources.Loader) error {
	if ld.Release.Dataset == TimeSeriesDataset {
		return loadTimeSeries(ctx, ld)
	}
	if !strings.HasPrefix(ld.Release.Dataset, RO5DatasetPrefix) {
		return fmt.Errorf("dataset %q: want %s<year> or %s", ld.Release.Dataset, RO5DatasetPrefix, TimeSeriesDataset)
	}
	f, err := ld.File("")
	if err != nil {
		return err
	}
	b, err := openRO5(f.Path, f.Filename)
	if err != nil {
		return err
	}
	want := strings.TrimPrefix(ld.Release.Dataset, RO5DatasetPrefix)
	if b.fy == "" {
		b.fy = want
	}
	if b.fy != want {
		return fmt.Errorf("%s holds financial year %s, but the release is %s: %w", f.Filename, b.fy, ld.Release.Dataset, sources.ErrLayout)
	}
	w, err := ld.Writer(ctx, RO5Table.Name)
	if err != nil {
		return err
	}
	authorities := map[string]bool{}
	notSubmitted := map[string]bool{}
	err = b.stream(ctx, func(r ro5Record) error {
		authorities[r.ECode] = true
		if r.Status == "not submitted" {
			notSubmitted[r.ECode+" "+r.Name] = true
		}
		var v any
		if r.Amount.Valid {
			v = r.Amount.Value
		}
		return w.Append(f.Filename, r.Sheet, r.Row, b.fy, r.ECode, nullable(r.ONSCode), nullable(r.Name), nullable(r.Class), nullable(r.Detail),
			r.Status, r.Service, r.Measure, r.Code, nullable(r.Line), r.Header, v, nullable(r.Amount.Reason), UnitThousand, b.layout)
	})
	if err != nil {
		return err
	}
	if len(authorities) == 0 {
		return fmt.Errorf("%s: no row has an E-code (E followed by four digits): %w", f.Filename, sources.ErrEmptyRelease)
	}
	for _, n := range b.notes {
		ld.Notef("%s", n)
	}
	for _, k := range sortedKeys(notSubmitted) {
		ld.Notef("%s %s: %s did not submit (its row is blank; values are NULL, not zero)", f.Filename, b.fy, k)
	}
	return nil
}
