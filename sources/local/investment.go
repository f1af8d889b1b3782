package local

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
)

func init() {
	RegisterTemplate(InvestmentTemplate)
	sources.Register(InvestmentReturns{})
}

// Source types of investment a return records.
const (
	SourceCash        = "cash"
	SourcePartnerCash = "partner cash"
	SourceStaffTime   = "staff time"
	SourceInKind      = "in-kind"
	SourceOther       = "other"
)

// FunderCategories are who cash came from.
var FunderCategories = []string{
	"council", "regional improvement partnership", "combined authority", "central government", "Arts Council England",
	"National Lottery Heritage Fund", "other National Lottery", "trust or foundation", "private sector", "other public", "other",
}

// InvestmentTemplate is the "investment" return: investment generated for a project by source type
// (cash by funder category, partner cash, staff time, other in-kind contributions), one line per
// contribution, every amount in pounds (staff time and in-kind valued in pounds).
var InvestmentTemplate = Template{
	Name:   "investment",
	Source: "local-investment-returns",
	Title:  "Local cultural investment return",
	Description: "What a council or network's cultural work levered in, one line per contribution: cash by funder category, " +
		"partner cash, staff time and other in-kind contributions, each valued in pounds. Cornerstone reports the breakdown " +
		"by source type as amounts and percentages of the project's total.",
	Columns: []Column{
		{Name: "organisation", Type: Text, Required: true, Doc: "the council or network making the return", Example: "North Yorkshire Council"},
		{Name: "area_code", Type: Area, Required: true, Doc: "GSS code (or MHCLG E-code) of the area the investment benefits", Example: "E06000065"},
		{Name: "project", Type: Text, Required: true, Doc: "project or programme the investment was generated for", Example: "Libraries as cultural hubs"},
		{Name: "period_start", Type: Date, Required: true, Doc: "first day of the period (YYYY-MM-DD)", Example: "2024-04-01"},
		{Name: "period_end", Type: Date, Required: true, Doc: "last day of the period (YYYY-MM-DD), on or after period_start", Example: "2025-03-31"},
		{Name: "source_type", Type: Choice, Required: true, Choices: []string{SourceCash, SourcePartnerCash, SourceStaffTime, SourceInKind, SourceOther},
			Doc: "what kind of contribution", Example: SourceCash},
		{Name: "funder_category", Type: Choice, Choices: FunderCategories,
			Doc: "who the cash came from: required when source_type is cash", Example: "regional improvement partnership"},
		{Name: "funder", Type: Text, Doc: "the funder or partner by name", Example: "Yorkshire and Humber Improvement Partnership"},
		{Name: "amount_gbp", Type: Number, Required: true, Doc: "pounds; staff time and in-kind contributions at their value in pounds; not negative", Example: "45900"},
		{Name: "hours", Type: Number, Doc: "staff hours, for staff time (optional)", Example: ""},
		{Name: "note", Type: Text, Doc: "anything a reader should know", Example: ""},
	},
}

// investmentRow is one line of a return, as gocsv decodes it.
type investmentRow struct {
	Organisation   string  `csv:"organisation"`
	AreaCode       string  `csv:"area_code"`
	Project        string  `csv:"project"`
	PeriodStart    string  `csv:"period_start"`
	PeriodEnd      string  `csv:"period_end"`
	SourceType     string  `csv:"source_type"`
	FunderCategory string  `csv:"funder_category"`
	Funder         string  `csv:"funder"`
	AmountGBP      float64 `csv:"amount_gbp"`
	Hours          string  `csv:"hours"`
	Note           string  `csv:"note"`
}

// InvestmentTable is raw.local_investment_returns: one row per contribution as returned.
var InvestmentTable = warehouse.Table{Schema: "raw", Name: "local_investment_returns",
	Doc: "local investment returns (template investment), one row per contribution", Columns: []warehouse.Column{
		{Name: "organisation", Type: "VARCHAR"},
		{Name: "area_code", Type: "VARCHAR", Doc: "GSS code or E-code as returned"},
		{Name: "project", Type: "VARCHAR"},
		{Name: "period_start", Type: "DATE"},
		{Name: "period_end", Type: "DATE"},
		{Name: "source_type", Type: "VARCHAR", Doc: "cash, partner cash, staff time, in-kind or other"},
		{Name: "funder_category", Type: "VARCHAR"},
		{Name: "funder", Type: "VARCHAR"},
		{Name: "amount_gbp", Type: "DOUBLE", Doc: "pounds"},
		{Name: "hours", Type: "DOUBLE"},
		{Name: "note", Type: "VARCHAR"},
	}}

// InvestmentReturns is the local-investment-returns source: returns made from the investment
// template, loaded with --from FILE, from the folder named by the setting "dir" (every *.csv in
// it), or from the URLs in the setting "urls".
type InvestmentReturns struct{}

// DemoInvestmentURL and DemoSecondInvestmentURL are where the demo sample serves two synthetic
// returns from the same council for the same period (other projects); discovery uses them in demo
// runs when nothing is configured.
const (
	DemoInvestmentURL       = "https://returns.cornerstone.invalid/demo/investment-return-2024-25.csv"
	DemoSecondInvestmentURL = "https://returns.cornerstone.invalid/demo/investment-return-2024-25-museums.csv"
)

// Info describes the source.
func (InvestmentReturns) Info() sources.Info {
	return sources.Info{
		ID:           InvestmentTemplate.Source,
		Title:        "Local cultural investment returns",
		Publisher:    "Councils and networks (own returns)",
		Licence:      "as agreed with the returning organisation",
		Homepage:     "https://github.com/cornerstone-data/cornerstone#local-returns",
		Tables:       []warehouse.Table{InvestmentTable},
		Cadence:      sources.Cadence{Every: "irregular", Grace: 400 * 24 * time.Hour, Note: "returned when a council or network reports"},
		Schedule:     "0 8 * * *",
		MaxDrop:      1, // a second return for a period may hold fewer projects than the first
		MaxFileBytes: MaxReturnBytes,
	}
}

// InvestmentSettings are the source's settings ([sources.local-investment-returns.settings]).
type InvestmentSettings struct {
	// Dir is a folder whose *.csv returns are loaded on every run.
	Dir string `toml:"dir"`
	// Inbox is Dir under the name local-returns uses (Dir wins when both are set).
	Inbox string `toml:"inbox"`
	// URLs are returns published on the web, loaded on every run.
	URLs []string `toml:"urls"`
}

// NewSettings returns the settings struct the config is decoded into (sources.Configurable).
func (InvestmentReturns) NewSettings() any { return &InvestmentSettings{} }

// OnDemand marks returns as submitted, not published: none waiting is not a failure.
func (InvestmentReturns) OnDemand() bool { return true }

// Accumulates marks returns as adding to what is held: a second file from the same organisation
// for the same period (other projects) keeps the first's projects.
func (InvestmentReturns) Accumulates() bool { return true }

// investmentSupersession: a return supersedes the held rows of the same organisation, project and
// period; --replace withdraws every held row of the organisation and period.
var investmentSupersession = sources.Supersession{Table: InvestmentTable.Name,
	Scope: []string{"organisation", "period_start", "period_end"}, Item: []string{"project"}, What: "contribution rows"}

// Discover lists the returns in the configured folder ("dir") and URLs ("urls"); in a demo run with
// neither, the demo sample's two returns.
func (InvestmentReturns) Discover(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	settings := sources.SettingsOf[InvestmentSettings](env, InvestmentTemplate.Source)
	var out []sources.Release
	dir := settings.Dir
	if dir == "" {
		dir = settings.Inbox // the name local-returns uses
	}
	if dir != "" {
		names, err := filepath.Glob(filepath.Join(dir, "*.csv"))
		if err != nil {
			return nil, fmt.Errorf("listing returns in %s: %w", dir, err)
		}
		sort.Strings(names)
		for _, n := range names {
			out = append(out, sources.Release{Assets: []sources.Asset{{Path: n, Name: filepath.Base(n), Kind: fetch.KindCSV}}})
		}
	}
	urls := settings.URLs
	if len(urls) == 0 && len(out) == 0 && env.Demo {
		urls = []string{DemoInvestmentURL, DemoSecondInvestmentURL}
	}
	for _, u := range urls {
		out = append(out, sources.Release{Assets: []sources.Asset{{URL: u, Kind: fetch.KindCSV}}})
	}
	if len(out) == 0 && env.Progress != nil {
		env.Progress.Logf("%s: no returns waiting (set sources.%s.settings.dir or urls, or load one with `cornerstone ingest %s --from FILE`)",
			InvestmentTemplate.Source, InvestmentTemplate.Source, InvestmentTemplate.Source)
	}
	return out, nil
}

var slugRe = regexp.MustCompile(`[^a-z0-9]+`)

// Identify names a return by its content: dataset "investment/<organisation>", vintage the period
// it covers ("2024-04-01..2025-03-31"). A return supersedes only the held rows of the projects it
// restates (Load); a return that does not validate fails here with every problem listed.
func (InvestmentReturns) Identify(ctx context.Context, rel *sources.Release, files []sources.Fetched) error {
	rows, err := readInvestment(files[0].Path, files[0].Name)
	if err != nil {
		return err
	}
	orgs := map[string]bool{}
	first, last := rows[0].PeriodStart, rows[0].PeriodEnd
	for _, r := range rows {
		orgs[r.Organisation] = true
		first, last = min(first, r.PeriodStart), max(last, r.PeriodEnd)
	}
	org := rows[0].Organisation
	if rel.Dataset == "" {
		rel.Dataset = "investment/" + strings.Trim(slugRe.ReplaceAllString(strings.ToLower(org), "-"), "-")
		if len(orgs) > 1 {
			rel.Dataset += fmt.Sprintf("-and-%d-more", len(orgs)-1)
		}
	}
	if rel.Vintage == "" {
		rel.Vintage = first + ".." + last
	}
	if rel.Title == "" {
		rel.Title = "Investment return: " + org + ", " + first + " to " + last
	}
	return nil
}

// Load validates the return, writes its rows, and supersedes the held rows of the same
// organisation, project and period (all of the organisation and period with --replace); projects
// held from earlier returns that this one does not restate stay, with a note saying so.
func (InvestmentReturns) Load(ctx context.Context, ld *sources.Loader) error {
	f, err := ld.File("")
	if err != nil {
		return err
	}
	rows, err := readInvestment(f.Path, f.Filename)
	if err != nil {
		return err
	}
	w, err := ld.Writer(ctx, InvestmentTable.Name)
	if err != nil {
		return err
	}
	for i, r := range rows {
		start, _ := time.Parse(time.DateOnly, r.PeriodStart)
		end, _ := time.Parse(time.DateOnly, r.PeriodEnd)
		var hours any
		if h, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(r.Hours), ",", ""), 64); err == nil {
			hours = h
		}
		if err := w.Append(f.Filename, "", i+2, strings.TrimSpace(r.Organisation), strings.TrimSpace(r.AreaCode), strings.TrimSpace(r.Project),
			start, end, r.SourceType, opt(r.FunderCategory), opt(r.Funder), r.AmountGBP, hours, opt(r.Note)); err != nil {
			return err
		}
	}
	return ld.Supersede(ctx, investmentSupersession)
}

func opt(s string) any {
	if s = strings.TrimSpace(s); s == "" {
		return nil
	}
	return s
}

// readInvestment decodes and validates a return: the template's checks on every cell, then the
// checks across cells (funder_category for cash, period order, no negative amounts, hours only
// for staff time). Every problem is reported at once in a *sources.ValidationError.
func readInvestment(path, file string) ([]investmentRow, error) {
	recs, err := readFile(path, file)
	if err != nil {
		return nil, err
	}
	rows, err := DecodeRecords[investmentRow](InvestmentTemplate, file, recs)
	var ve *sources.ValidationError
	if err != nil && !errors.As(err, &ve) {
		return nil, err
	}
	extra := crossCheckInvestment(recs)
	if ve == nil && len(extra) == 0 {
		if len(rows) == 0 {
			return nil, &sources.ValidationError{File: file, Problems: []sources.Problem{{Row: 2, Why: "the return has no rows"}}}
		}
		return rows, nil
	}
	if ve == nil {
		ve = &sources.ValidationError{File: file}
	}
	for _, p := range extra {
		if !hasProblem(ve, p.Row, p.Column) {
			ve.Problems = append(ve.Problems, p)
		}
	}
	sort.SliceStable(ve.Problems, func(i, j int) bool { return ve.Problems[i].Row < ve.Problems[j].Row })
	return nil, ve
}

// crossCheckInvestment checks the rules that involve more than one cell, on the raw records (so
// they are reported alongside the template's own problems).
func crossCheckInvestment(recs [][]string) []sources.Problem {
	if len(recs) < 2 {
		return nil
	}
	idx := map[string]int{}
	for i, h := range recs[0] {
		idx[strings.TrimSpace(h)] = i
	}
	get := func(rec []string, col string) string {
		if i, ok := idx[col]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	var out []sources.Problem
	for n, rec := range recs[1:] {
		row := n + 2
		if len(rec) != len(recs[0]) {
			continue
		}
		typ := get(rec, "source_type")
		if typ == SourceCash && get(rec, "funder_category") == "" {
			out = append(out, sources.Problem{Row: row, Column: "funder_category", Why: "required when source_type is cash"})
		}
		if h := get(rec, "hours"); h != "" && typ != SourceStaffTime {
			out = append(out, sources.Problem{Row: row, Column: "hours", Value: h, Why: "hours are for staff time only"})
		}
		if a := strings.ReplaceAll(get(rec, "amount_gbp"), ",", ""); a != "" {
			if v, err := strconv.ParseFloat(a, 64); err == nil && v < 0 {
				out = append(out, sources.Problem{Row: row, Column: "amount_gbp", Value: get(rec, "amount_gbp"), Why: "negative: record what was generated, in pounds"})
			}
		}
		s, e := get(rec, "period_start"), get(rec, "period_end")
		ds, err1 := time.Parse(time.DateOnly, s)
		de, err2 := time.Parse(time.DateOnly, e)
		if err1 == nil && err2 == nil && de.Before(ds) {
			out = append(out, sources.Problem{Row: row, Column: "period_end", Value: e, Why: "before period_start " + s})
		}
	}
	return out
}
