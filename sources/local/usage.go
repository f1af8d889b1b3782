package local

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
)

func init() {
	RegisterTemplate(UsageTemplate)
	sources.Register(Returns{})
}

// UsageMeasure is a figure a council may return: what no national source publishes (CIPFA-style
// library figures, council museum visits, volunteers).
type UsageMeasure struct {
	Name, Unit, Doc string
}

// UsageMeasures are the measures of the usage template, with the unit each is counted in.
var UsageMeasures = []UsageMeasure{
	{"library_physical_visits", "visits", "physical visits to library service points for library purposes (CIPFA PLS section 9)"},
	{"library_virtual_visits", "visits", "visits to the library website and online catalogue (CIPFA 9)"},
	{"library_active_borrowers", "people", "borrowers who borrowed at least once in the period (CIPFA 9)"},
	{"library_book_issues", "loans", "issues of books, renewals included (CIPFA 6)"},
	{"library_audio_visual_issues", "loans", "issues of audio-visual items (CIPFA 6)"},
	{"library_electronic_issues", "loans", "issues of eBooks, eAudio, eMagazines and eNewspapers (CIPFA 6)"},
	{"library_enquiries", "enquiries", "enquiries answered (CIPFA 8)"},
	{"library_events", "events", "events and activity sessions held"},
	{"library_event_attendances", "attendances", "attendances at those events"},
	{"library_service_points", "service points", "service points open 10 or more hours a week (CIPFA 1)"},
	{"library_hours_open", "hours per week", "opening hours per week of all service points together (CIPFA 1)"},
	{"library_staff_fte", "fte", "library staff, full-time equivalent (CIPFA 4)"},
	{"library_volunteers", "people", "volunteers (CIPFA 5)"},
	{"library_volunteer_hours", "hours", "hours given by volunteers (CIPFA 5)"},
	{"library_revenue_expenditure", "gbp", "revenue expenditure in pounds (CIPFA 11)"},
	{"library_income", "gbp", "income in pounds (CIPFA 11)"},
	{"museum_visits", "visits", "visits to council-run museums and galleries"},
	{"museum_visits_under_16", "visits", "of which by children under 16"},
	{"museum_school_visits", "visits", "pupils visiting in organised school groups"},
	{"museum_events", "events", "events and activity sessions held by council museums"},
	{"museum_volunteers", "people", "museum volunteers"},
	{"museum_volunteer_hours", "hours", "hours given by museum volunteers"},
	{"archive_visits", "visits", "visits to council archive searchrooms"},
	{"heritage_site_visits", "visits", "visits to council-run heritage sites"},
}

func usageMeasureNames() []string {
	out := make([]string, len(UsageMeasures))
	for i, m := range UsageMeasures {
		out[i] = m.Name
	}
	return out
}

func usageMeasureDoc() string {
	parts := make([]string, len(UsageMeasures))
	for i, m := range UsageMeasures {
		parts[i] = fmt.Sprintf("%s (%s): %s", m.Name, m.Unit, m.Doc)
	}
	return "What is counted: " + strings.Join(parts, "; ")
}

// UsageTemplate is the "usage" return: one row per council, period, measure and (optionally) site.
var UsageTemplate = Template{
	Name:   "usage",
	Source: "local-returns",
	Title:  "Council return: library, museum and volunteer figures",
	Description: "One row per figure: the council, the period it covers, what was counted, and the value. " +
		"Leave out what you do not collect (a missing row means not reported; write 0 only for a real zero). " +
		"A corrected figure replaces the one returned before for the same period, measure and site when its submitted_at is the same or later; " +
		"figures a new file leaves out stay as returned before (load it with --replace to withdraw them).",
	Columns: []Column{
		{Name: "area_code", Type: Area, Required: true, Example: "E06000065", Doc: "the council's GSS code (E06000065) or MHCLG E-code (E2721)"},
		{Name: "period_start", Type: Date, Required: true, Example: "2024-04-01", Doc: "first day of the period (YYYY-MM-DD)"},
		{Name: "period_end", Type: Date, Required: true, Example: "2025-03-31", Doc: "last day of the period, inclusive (YYYY-MM-DD)"},
		{Name: "measure", Type: Choice, Required: true, Choices: usageMeasureNames(), Example: "museum_visits", Doc: usageMeasureDoc()},
		{Name: "value", Type: Number, Required: true, Example: "48210", Doc: "the figure, in the measure's unit; not negative; thousands separators allowed"},
		{Name: "site", Type: Text, Example: "", Doc: "a service point, museum or venue; leave blank for the whole service"},
		{Name: "notes", Type: Text, Example: "", Doc: "how it was counted, or anything a reader should know"},
		{Name: "submitted_by", Type: Text, Required: true, Example: "A. Librarian, Head of Libraries", Doc: "who submits the return (name and role)"},
		{Name: "submitter_email", Type: Email, Required: true, Example: "libraries@example.gov.uk", Doc: "contact address for questions about the return"},
		{Name: "submitted_at", Type: Date, Required: true, Example: "2025-05-12", Doc: "the date of submission (YYYY-MM-DD)"},
	},
}

// UsageRow is one decoded row of a usage return.
type UsageRow struct {
	AreaCode       string  `csv:"area_code"`
	PeriodStart    string  `csv:"period_start"`
	PeriodEnd      string  `csv:"period_end"`
	Measure        string  `csv:"measure"`
	Value          float64 `csv:"value"`
	Site           string  `csv:"site"`
	Notes          string  `csv:"notes"`
	SubmittedBy    string  `csv:"submitted_by"`
	SubmitterEmail string  `csv:"submitter_email"`
	SubmittedAt    string  `csv:"submitted_at"`
}

// Returns is the local-returns source: councils' own returns made from the usage template,
// loaded with `cornerstone ingest local-returns --from FILE`, or found in the inbox folder named by
// the source's `inbox` setting. Each file is one release: dataset "usage-<area codes>", vintage
// "<submitted_at> <period range>". A file supersedes only the figures it restates (the same
// council, period, measure and site); --replace withdraws every figure held for its councils and
// periods.
type Returns struct{}

// ReturnsTable is raw.local_returns.
var ReturnsTable = warehouse.Table{Schema: "raw", Name: "local_returns", Doc: "Councils' own returns (usage template), one row per figure as submitted", Columns: []warehouse.Column{
	{Name: "area_code", Type: "VARCHAR", Doc: "GSS code or E-code as submitted"},
	{Name: "period_start", Type: "DATE"},
	{Name: "period_end", Type: "DATE", Doc: "inclusive"},
	{Name: "measure", Type: "VARCHAR"},
	{Name: "value", Type: "DOUBLE"},
	{Name: "unit", Type: "VARCHAR", Doc: "the measure's unit (UsageMeasures)"},
	{Name: "site", Type: "VARCHAR"},
	{Name: "notes", Type: "VARCHAR"},
	{Name: "submitted_by", Type: "VARCHAR"},
	{Name: "submitter_email", Type: "VARCHAR"},
	{Name: "submitted_at", Type: "DATE"},
	{Name: "template", Type: "VARCHAR"},
}}

// Info describes the source.
func (Returns) Info() sources.Info {
	return sources.Info{
		ID:           "local-returns",
		Title:        "Councils' own returns (library, museum and volunteer figures)",
		Publisher:    "Submitting councils",
		Licence:      "Supplied by the submitting council for Cornerstone; reuse as agreed with it",
		Homepage:     "https://github.com/cornerstone-data/cornerstone#libraries-and-councils-own-returns",
		Tables:       []warehouse.Table{ReturnsTable},
		Cadence:      sources.Cadence{Every: "irregular", Note: "councils submit returns when they collect them"},
		Schedule:     "0 6 * * *",
		MaxDrop:      1, // a return may cover fewer figures than the council's previous one
		MaxFileBytes: MaxReturnBytes,
	}
}

// ReturnsSettings are the source's settings ([sources.local-returns.settings]).
type ReturnsSettings struct {
	// Inbox is a folder whose CSV returns are loaded on every run.
	Inbox string `toml:"inbox"`
}

// NewSettings returns the settings struct the config is decoded into (sources.Configurable).
func (Returns) NewSettings() any { return &ReturnsSettings{} }

// OnDemand marks returns as submitted, not published: an empty inbox is not a failure.
func (Returns) OnDemand() bool { return true }

// Accumulates marks returns as adding to what is held: a second file for the same council and
// period (other measures) keeps the first's figures.
func (Returns) Accumulates() bool { return true }

// usageSupersession: a return supersedes the held figures of the same council, period, measure
// and site submitted on or before its own date (a later submission loaded earlier stays);
// --replace withdraws every held figure of the council and period.
var usageSupersession = sources.Supersession{Table: ReturnsTable.Name,
	Scope: []string{"area_code", "period_start", "period_end"}, Item: []string{"measure", "site"},
	Keep: "o.submitted_at > n.submitted_at", What: "figures"}

// Discover lists the CSV files in the inbox folder (setting `inbox`), one release each, oldest
// file first. Without an inbox it finds nothing: returns come with --from.
func (Returns) Discover(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	dir := sources.SettingsOf[ReturnsSettings](env, "local-returns").Inbox
	if dir == "" {
		return nil, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("reading the local-returns inbox: %w", err)
	}
	type file struct {
		path string
		mod  time.Time
	}
	var files []file
	for _, e := range entries {
		if e.IsDir() || !strings.EqualFold(filepath.Ext(e.Name()), ".csv") {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, fmt.Errorf("reading the local-returns inbox: %w", err)
		}
		files = append(files, file{filepath.Join(dir, e.Name()), info.ModTime()})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].mod.Before(files[j].mod) })
	var out []sources.Release
	for _, f := range files {
		out = append(out, sources.Release{Title: "Council return " + filepath.Base(f.path),
			Assets: []sources.Asset{{Path: f.path, Name: filepath.Base(f.path), Kind: fetch.KindCSV}}})
	}
	return out, nil
}

// Identify validates the return (every bad cell reported, nothing loaded) and names the release
// from its contents.
func (Returns) Identify(ctx context.Context, rel *sources.Release, files []sources.Fetched) error {
	rows, err := readUsage(files[0].Path, files[0].Name)
	if err != nil {
		return err
	}
	codes := map[string]bool{}
	first, last, submitted := rows[0].PeriodStart, rows[0].PeriodEnd, rows[0].SubmittedAt
	for _, r := range rows {
		codes[r.AreaCode] = true
		first, last, submitted = min(first, r.PeriodStart), max(last, r.PeriodEnd), max(submitted, r.SubmittedAt)
	}
	var list []string
	for c := range codes {
		list = append(list, c)
	}
	sort.Strings(list)
	if rel.Dataset == "" {
		rel.Dataset = "usage-" + strings.Join(list, "+")
	}
	if rel.Vintage == "" {
		rel.Vintage = submitted + " " + first + ".." + last
	}
	if rel.Title == "" {
		rel.Title = fmt.Sprintf("Usage return from %s for %s to %s, submitted %s by %s", strings.Join(list, ", "), first, last, submitted, rows[0].SubmittedBy)
	}
	return nil
}

// Load writes the return's rows and supersedes the held figures it restates (see
// usageSupersession); figures held from earlier returns that this one does not restate stay, with
// a note saying so.
func (Returns) Load(ctx context.Context, ld *sources.Loader) error {
	f, err := ld.File("")
	if err != nil {
		return err
	}
	rows, err := readUsage(f.Path, f.Filename)
	if err != nil {
		return err
	}
	w, err := ld.Writer(ctx, ReturnsTable.Name)
	if err != nil {
		return err
	}
	units := map[string]string{}
	for _, m := range UsageMeasures {
		units[m.Name] = m.Unit
	}
	for i, r := range rows {
		ps, _ := time.Parse(time.DateOnly, r.PeriodStart)
		pe, _ := time.Parse(time.DateOnly, r.PeriodEnd)
		sa, _ := time.Parse(time.DateOnly, r.SubmittedAt)
		if err := w.Append(f.Filename, "", i+2, r.AreaCode, ps, pe, r.Measure, r.Value, units[r.Measure],
			nilIfEmpty(r.Site), nilIfEmpty(r.Notes), r.SubmittedBy, r.SubmitterEmail, sa, UsageTemplate.Name); err != nil {
			return err
		}
	}
	return ld.Supersede(ctx, usageSupersession)
}

// readUsage decodes and validates a usage return: the template's cell checks (Decode), then the
// checks across cells: the period ends on or after its start, values are not negative, and no
// figure appears twice. Every problem is reported in one *sources.ValidationError.
func readUsage(path, name string) ([]UsageRow, error) {
	recs, err := readFile(path, name)
	if err != nil {
		return nil, err
	}
	return decodeUsage(name, recs)
}

// DecodeUsage validates a usage return held in memory; see readUsage.
func DecodeUsage(name string, body []byte) ([]UsageRow, error) {
	recs, err := ReadRecords(name, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	return decodeUsage(name, recs)
}

// decodeUsage is DecodeUsage on the return's records.
func decodeUsage(name string, recs [][]string) ([]UsageRow, error) {
	rows, err := DecodeRecords[UsageRow](UsageTemplate, name, recs)
	if err != nil {
		return nil, err
	}
	verr := &sources.ValidationError{File: name}
	if len(rows) == 0 {
		verr.Problems = append(verr.Problems, sources.Problem{Row: 2, Why: "the return has no figures below the header"})
		return nil, verr
	}
	seen := map[string]int{}
	for i, r := range rows {
		row := i + 2
		if r.PeriodEnd < r.PeriodStart {
			verr.Problems = append(verr.Problems, sources.Problem{Row: row, Column: "period_end", Value: r.PeriodEnd, Why: "before period_start " + r.PeriodStart})
		}
		if r.Value < 0 {
			verr.Problems = append(verr.Problems, sources.Problem{Row: row, Column: "value", Value: fmt.Sprint(r.Value), Why: "negative: counts and amounts are not negative"})
		}
		key := strings.Join([]string{r.AreaCode, r.PeriodStart, r.PeriodEnd, r.Measure, strings.TrimSpace(r.Site)}, "|")
		if prev, dup := seen[key]; dup {
			verr.Problems = append(verr.Problems, sources.Problem{Row: row, Column: "measure", Value: r.Measure,
				Why: fmt.Sprintf("the same figure (area, period, measure, site) is already on row %d", prev)})
		} else {
			seen[key] = row
		}
	}
	if len(verr.Problems) > 0 {
		return nil, verr
	}
	return rows, nil
}

func nilIfEmpty(s string) any {
	if s = strings.TrimSpace(s); s == "" {
		return nil
	}
	return s
}
