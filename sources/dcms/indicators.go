package dcms

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/govuk"
)

func init() { sources.Register(MuseumIndicators{}) }

// MuseumIndicators is the dcms-museum-indicators source: the DCMS-sponsored museums and
// galleries annual performance indicators, one ODS workbook a year whose tables 1-12 each repeat
// the series from 2008/09 (2002/03 for table 2, 2012/13 for tables 7 and 8).
type MuseumIndicators struct{}

// IndicatorsCollection is the GOV.UK collection "DCMS-sponsored museums and galleries statistics",
// which lists every annual performance indicators release.
const IndicatorsCollection = "/government/collections/museums-and-galleries-monthly-visits"

// IndicatorsDataset is the dataset name; its vintage is the last financial year ("2023-24").
const IndicatorsDataset = "annual-performance-indicators"

// IndicatorsTable is raw.dcms_museum_indicators: one row per museum, table and year column.
var IndicatorsTable = warehouse.Table{Schema: "raw", Name: "dcms_museum_indicators",
	Doc: "DCMS-sponsored museums and galleries annual performance indicators, tables 1-12, long form", Columns: []warehouse.Column{
		{Name: "table_id", Type: "VARCHAR", Doc: "the table number (\"1\" … \"12\")"},
		{Name: "table_title", Type: "VARCHAR", Doc: "the table's title row as published"},
		{Name: "indicator", Type: "VARCHAR", Doc: "visits, visits_total, visits_under_16, visits_overseas, website_visits, would_recommend, education_visits_under_18, onsite_activities_under_18, uk_loan_venues, income_admissions, income_trading, income_fundraising"},
		{Name: "unit", Type: "VARCHAR", Doc: "visits, proportion (0-1), venues, instances or gbp (pounds)"},
		{Name: "museum_name", Type: "VARCHAR", Doc: "Name of museum or gallery as published, [note N] included; NULL in table 2 (DCMS total only)"},
		{Name: "financial_year", Type: "VARCHAR", Doc: "2008-09"},
		{Name: "year_label", Type: "VARCHAR", Doc: "the year's header (or table 2's row label) as published, e.g. \"2010/11 [b]\""},
		{Name: "value", Type: "DOUBLE", Doc: "as published, in unit; NULL for a marker"},
		{Name: "marker", Type: "VARCHAR", Doc: "why value is NULL (\"not available [x]\")"},
		{Name: "break_flag", Type: "BOOLEAN", Doc: "the year carries [b]: a break in series before it"},
		{Name: "revised", Type: "BOOLEAN", Doc: "the Notes column calls the cell revised, or the cell carries [r]"},
		{Name: "note", Type: "VARCHAR", Doc: "note markers applying to the cell (the name's and the title's [note N], the Notes column's)"},
		{Name: "notes_text", Type: "VARCHAR", Doc: "the row's Notes column as published"},
	}}

// Info describes the source.
func (MuseumIndicators) Info() sources.Info {
	return sources.Info{
		ID:         "dcms-museum-indicators",
		Title:      "DCMS-sponsored museums and galleries annual performance indicators",
		Publisher:  Publisher,
		Licence:    Licence,
		LicenceURL: LicenceURL,
		Homepage:   govuk.PageURL(IndicatorsCollection),
		Tables:     []warehouse.Table{IndicatorsTable},
		Cadence: sources.Cadence{Every: "annual", Months: []time.Month{time.January, time.July}, Grace: 180 * 24 * time.Hour,
			Note: "published once a year, between January and July, for the previous financial year"},
		Schedule: "0 6 * * 1",
	}
}

// indicatorDef identifies a table by a phrase of its title.
type indicatorDef struct {
	phrase, indicator, unit string
}

// indicatorDefs are the tables known, matched case-insensitively against the title row; the
// first match wins, so the more specific phrases come first.
var indicatorDefs = []indicatorDef{
	{"under 16 visitor", "visits_under_16", "visits"},
	{"overseas visitor", "visits_overseas", "visits"},
	{"website visits", "website_visits", "visits"},
	{"would recommend", "would_recommend", "proportion"},
	{"facilitated and self-directed", "education_visits_under_18", "visits"},
	{"on-site activities", "onsite_activities_under_18", "instances"},
	{"loan venues", "uk_loan_venues", "venues"},
	{"income: admissions", "income_admissions", "gbp"},
	{"trading income", "income_trading", "gbp"},
	{"fundraising", "income_fundraising", "gbp"},
	{"split by museum", "visits", "visits"},
	{"total visitor figures", "visits_total", "visits"},
}

var (
	indicatorsPageRe = regexp.MustCompile(`annual-performance-indicators-(\d{4})-?(\d{2})$`)
	indicatorsFileRe = regexp.MustCompile(`(?i)(performance_indicators|tables).*\.(ods|xlsx)$`)
	tableTitleRe     = regexp.MustCompile(`(?i)^Table\s+(\d+[a-z]?)\s*:`)
	fileYearRe       = regexp.MustCompile(`(\d{4})[_-](\d{2})(?:\D|$)`)
)

// Discover lists the releases in the collection and returns the newest one's workbook: each
// edition repeats the whole series, so older editions add nothing.
func (MuseumIndicators) Discover(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	col, err := govuk.Get(ctx, env.Fetch, IndicatorsCollection)
	if err != nil {
		return nil, err
	}
	docs, err := col.Match(indicatorsPageRe)
	if err != nil {
		return nil, err
	}
	best, bestYear := govuk.Document{}, -1
	for _, d := range docs {
		y, _ := strconv.Atoi(indicatorsPageRe.FindStringSubmatch(d.BasePath)[1])
		if y > bestYear {
			best, bestYear = d, y
		}
	}
	page, err := govuk.Get(ctx, env.Fetch, best.BasePath)
	if err != nil {
		return nil, err
	}
	att, err := page.Attachment(indicatorsFileRe)
	if err != nil {
		return nil, err
	}
	return []sources.Release{{
		Dataset: IndicatorsDataset, Vintage: fmt.Sprintf("%d-%02d", bestYear, (bestYear+1)%100),
		Title: page.Title + ": " + att.Title, PageURL: govuk.PageURL(best.BasePath), Published: page.FirstPublishedAt,
		Assets: []sources.Asset{{URL: att.URL, Name: att.Name(), Kind: att.Kind()}},
	}}, nil
}

// Identify reads the financial year from the file name ("…_2023_24_tables.ods"), else from the
// cover sheet's title ("… Annual Performance Indicators 2023/24").
func (MuseumIndicators) Identify(ctx context.Context, rel *sources.Release, files []sources.Fetched) error {
	if rel.Dataset == "" {
		rel.Dataset = IndicatorsDataset
	}
	if rel.Vintage == "" {
		if m := fileYearRe.FindStringSubmatch(files[0].Name); m != nil {
			if fy, _, _, _, ok := financialYear(m[1] + "/" + m[2]); ok {
				rel.Vintage = fy
			}
		}
	}
	if rel.Vintage == "" {
		title, err := firstCell(files[0].Path, "Cover_sheet")
		if err != nil {
			return err
		}
		if m := regexp.MustCompile(`(\d{4}/\d{2})\s*$`).FindStringSubmatch(title); m != nil {
			rel.Vintage, _, _, _, _ = financialYear(m[1])
		}
	}
	if rel.Vintage == "" {
		return fmt.Errorf("%s: neither the file name nor the cover sheet says the financial year: %w", files[0].Name, sources.ErrNoVintage)
	}
	if rel.Title == "" {
		rel.Title = "DCMS-sponsored museums and galleries annual performance indicators " + rel.Vintage
	}
	return nil
}

// Load reads every sheet whose title row is "Table N: …" with a known indicator. Table 1 (visits
// by museum) must be present; a table not recognised is noted and skipped.
func (MuseumIndicators) Load(ctx context.Context, ld *sources.Loader) error {
	f, err := ld.File("")
	if err != nil {
		return err
	}
	w, err := ld.Writer(ctx, IndicatorsTable.Name)
	if err != nil {
		return err
	}
	return readIndicators(ctx, f.Path, f.Filename, w.Append, ld.Notef)
}

// readIndicators reads the workbook at path.
func readIndicators(ctx context.Context, path, file string, emit appendFunc, notef func(string, ...any)) error {
	wb, err := sheets.Open(path)
	if err != nil {
		return err
	}
	defer wb.Close()
	var have []string
	visits := false
	for _, sheet := range wb.Sheets() {
		ind, err := readIndicatorSheet(ctx, wb, sheet, file, emit, notef)
		if err != nil {
			return err
		}
		if ind != "" {
			have = append(have, ind)
		}
		visits = visits || ind == "visits"
	}
	if !visits {
		return &sources.LayoutError{File: file, Expected: "Table 1: … visitor figures … split by museum", Nearest: have,
			Detail: "no sheet holds the visits by museum table"}
	}
	return nil
}

// readIndicatorSheet reads one sheet and returns its indicator ("" for a sheet without a table).
func readIndicatorSheet(ctx context.Context, wb sheets.Workbook, sheet, file string, emit appendFunc, notef func(string, ...any)) (string, error) {
	rows, err := wb.Rows(sheet)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	if !rows.Next() {
		return "", rows.Err()
	}
	title := sheets.NormalizeHeader(cellText(rows.Row(), 0))
	tm := tableTitleRe.FindStringSubmatch(title)
	if tm == nil {
		return "", nil // Cover_sheet, Contents, Notes
	}
	tableID := tm[1]
	var def indicatorDef
	lower := strings.ToLower(title)
	for _, d := range indicatorDefs {
		if strings.Contains(lower, d.phrase) {
			def = d
			break
		}
	}
	if def.indicator == "" {
		notef("%s sheet %q: table %q not recognised; skipped", file, sheet, title)
		return "", nil
	}
	titleNotes := strings.Join(noteMarkRe.FindAllString(title, -1), " ")
	// The header row is found by its literal text, never by position.
	var header []sheets.Cell
	hdrRow := 0
	for i := 0; i < 10 && rows.Next(); i++ {
		first := sheets.NormalizeHeader(cellText(rows.Row(), 0))
		if first == "Name of museum or gallery" || first == "Financial Year" {
			header, hdrRow = append([]sheets.Cell(nil), rows.Row()...), rows.Number()
			break
		}
	}
	if err := rows.Err(); err != nil {
		return "", err
	}
	if header == nil {
		return "", &sources.LayoutError{File: file, Sheet: sheet, Expected: "Name of museum or gallery",
			Detail: "no header row in the first rows below the title " + strconv.Quote(title)}
	}
	emitRow := func(n int, name *string, yearLabel string, col int, r []sheets.Cell, notesText string) error {
		fy, _, brk, hdrRev, ok := financialYear(yearLabel)
		if !ok {
			return &sheets.CellError{File: file, Sheet: sheet, Row: n, Col: col, Value: yearLabel, Err: errors.New("not a financial year such as 2008/09")}
		}
		valCol := col
		if name == nil {
			valCol = 1
		}
		v, err := parseValue(file, sheet, r, n, valCol)
		if err != nil {
			return err
		}
		if !v.Valid && v.Reason == "blank" {
			return nil
		}
		cellNote, cellRev := parseCellNotes(notesText).forCell(valCol, n)
		nameNotes := ""
		if name != nil {
			nameNotes = strings.Join(noteMarkRe.FindAllString(*name, -1), " ")
		}
		var marker *string
		if !v.Valid {
			marker = &v.Reason
		}
		note := joinNotes(titleNotes, nameNotes, v.Note, cellNote)
		return emit(file, sheet, n, tableID, title, def.indicator, def.unit, name, fy, yearLabel, optFloat(v), marker,
			brk, v.Revised || hdrRev || cellRev, optString(note), optString(notesText))
	}
	if sheets.NormalizeHeader(cellText(header, 0)) == "Financial Year" {
		// Table 2: one row per year, the DCMS total in the next column.
		// Notes comes and goes between releases: no MissingOptional note.
		cols, err := sources.MatchColumns(file, sheet, header, []string{"Financial Year", "Total annual visits"}, []string{"Notes"})
		if err != nil {
			return "", err
		}
		if cols.Index("Total annual visits") != 1 {
			return "", &sources.LayoutError{File: file, Sheet: sheet, Expected: "Total annual visits", Detail: "expected in the second column"}
		}
		for rows.Next() {
			r, n := rows.Row(), rows.Number()
			label := cols.Text(r, "Financial Year")
			if label == "" {
				continue
			}
			if _, _, _, _, ok := financialYear(label); !ok && !hasNumbers(r, 1) {
				continue // a footnote
			}
			if err := emitRow(n, nil, label, 0, r, cols.Text(r, "Notes")); err != nil {
				return "", err
			}
		}
		return def.indicator, rows.Err()
	}
	type yearCol struct {
		idx   int
		label string
	}
	var years []yearCol
	notesCol := -1
	for i := 1; i < len(header); i++ {
		h := sheets.NormalizeHeader(header[i].Value)
		switch {
		case h == "":
		case h == "Notes":
			notesCol = i
		default:
			if _, _, _, _, ok := financialYear(h); !ok {
				return "", &sources.LayoutError{File: file, Sheet: sheet, Expected: "a financial year such as 2008/09", Nearest: []string{h},
					Detail: fmt.Sprintf("unrecognised column header in cell %s", sheets.CellRef(i, hdrRow))}
			}
			years = append(years, yearCol{i, h})
		}
	}
	if len(years) == 0 {
		return "", &sources.LayoutError{File: file, Sheet: sheet, Expected: "a financial year such as 2008/09", Detail: "the header has no year column"}
	}
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		r, n := rows.Row(), rows.Number()
		name := cellText(r, 0)
		if name == "" {
			continue
		}
		if !hasValues(r, years[0].idx, years[len(years)-1].idx) {
			continue // a footnote below the table
		}
		notesText := cellText(r, notesCol)
		for _, y := range years {
			if err := emitRow(n, &name, y.label, y.idx, r, notesText); err != nil {
				return "", err
			}
		}
	}
	return def.indicator, rows.Err()
}

// hasValues reports whether any cell from column from to column to is non-empty.
func hasValues(r []sheets.Cell, from, to int) bool {
	for i := from; i <= to && i < len(r); i++ {
		if strings.TrimSpace(r[i].Value) != "" {
			return true
		}
	}
	return false
}
