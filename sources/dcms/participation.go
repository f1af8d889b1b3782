package dcms

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/govuk"
	"github.com/cornerstone-data/cornerstone/sources/values"
)

func init() { sources.Register(Participation{}) }

// Participation is the dcms-participation source: the local-authority tables of the DCMS
// Participation Survey's annual publication (the odd-numbered sheets Table_A3, Table_A5, …,
// Table_C3, Table_D3, …): for each question, each district's percentage of adults, the lower and
// upper estimate of its 95% confidence interval, the number of respondents and the base.
//
// The layout is the one three independent pipelines read from the 2023-24 tables (four title
// rows, then a header with "LAD23 code", "ITL1 name", "Response Breakdown ", and per survey year
// "Percentage of respondents 2023/24", "… Lower estimate", "… Upper estimate",
// "2023/24 No. of respondents", "2023/24 Base"); every header is matched by its text.
type Participation struct{}

// ParticipationCollection lists the survey's statistical releases.
const ParticipationCollection = "/government/collections/participation-survey-statistical-releases"

// ParticipationDataset is the dataset name; its vintage is the survey year ("2023-24").
const ParticipationDataset = "annual-la-tables"

// firstLAYear is the first survey year published with local-authority tables: the 2023-24
// sample (about 170,000 adults) was the first large enough for district estimates.
const firstLAYear = 2023

// ParticipationTable is raw.dcms_participation: one row per table, area and survey year.
var ParticipationTable = warehouse.Table{Schema: "raw", Name: "dcms_participation",
	Doc: "DCMS Participation Survey local-authority tables: estimates with their confidence intervals", Columns: []warehouse.Column{
		{Name: "table_id", Type: "VARCHAR", Doc: "A3, A5, …, C3, D3 (from the sheet name Table_A3)"},
		{Name: "table_title", Type: "VARCHAR", Doc: "the sheet's title row as published"},
		{Name: "question", Type: "VARCHAR", Doc: "the table's Question text as published (the title when there is no Question column)"},
		{Name: "area_code", Type: "VARCHAR", Doc: "LAD23 code as published (NULL when blank)"},
		{Name: "area_name", Type: "VARCHAR", Doc: "Response Breakdown: the area's name as published"},
		{Name: "region", Type: "VARCHAR", Doc: "ITL1 name as published"},
		{Name: "survey_year", Type: "VARCHAR", Doc: "2023-24"},
		{Name: "percentage", Type: "DOUBLE", Doc: "percentage of respondents (0-100)"},
		{Name: "lower_estimate", Type: "DOUBLE", Doc: "lower end of the 95% confidence interval (0-100)"},
		{Name: "upper_estimate", Type: "DOUBLE", Doc: "upper end of the 95% confidence interval (0-100)"},
		{Name: "respondents", Type: "BIGINT", Doc: "No. of respondents giving the response"},
		{Name: "base", Type: "BIGINT", Doc: "respondents asked the question"},
		{Name: "marker", Type: "VARCHAR", Doc: "why the percentage is NULL (a suppression marker)"},
		{Name: "note", Type: "VARCHAR", Doc: "[note N] markers of the question and the area"},
	}}

// Info describes the source.
func (Participation) Info() sources.Info {
	return sources.Info{
		ID:         "dcms-participation",
		Title:      "DCMS Participation Survey: local authority estimates",
		Publisher:  Publisher,
		Licence:    Licence,
		LicenceURL: LicenceURL,
		Homepage:   govuk.PageURL(ParticipationCollection),
		Tables:     []warehouse.Table{ParticipationTable},
		Cadence: sources.Cadence{Every: "annual", Months: []time.Month{time.July, time.October}, Grace: 180 * 24 * time.Hour,
			Note: "annual publication of the survey year April-March, with revised tables re-published under new names"},
		Schedule: "0 6 * * 2",
	}
}

var (
	participationPageRe = regexp.MustCompile(`/participation-survey-(\d{4})-(?:to-)?(\d{2})-annual-publication$`)
	participationFileRe = regexp.MustCompile(`(?i)data[_ -]*tables.*\.(ods|xlsx)$`)
	ladCodeHeaderRe     = regexp.MustCompile(`(?i)^LAD\s?\d{2}\s?(code|CD)$`)
	pctHeaderRe         = regexp.MustCompile(`^Percentage of respondents (\d{4}/\d{2})$`)
	sheetTableRe        = regexp.MustCompile(`(?i)^Table[_ ]?([A-Z]+\d+[a-z]?)$`)
	surveyYearFileRe    = regexp.MustCompile(`(?i)(\d{2})-(\d{2})`)
)

// Discover lists the annual publications in the collection from the first with local-authority
// tables, and each one's data tables workbook.
func (Participation) Discover(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	col, err := govuk.Get(ctx, env.Fetch, ParticipationCollection)
	if err != nil {
		return nil, err
	}
	docs, err := col.Match(participationPageRe)
	if err != nil {
		return nil, err
	}
	var out []sources.Release
	for _, d := range docs {
		m := participationPageRe.FindStringSubmatch(d.BasePath)
		year, _ := strconv.Atoi(m[1])
		if year < firstLAYear {
			continue
		}
		page, err := govuk.Get(ctx, env.Fetch, d.BasePath)
		if err != nil {
			return nil, err
		}
		att, err := page.Attachment(participationFileRe)
		if err != nil {
			return nil, err
		}
		out = append(out, sources.Release{
			Dataset: ParticipationDataset, Vintage: fmt.Sprintf("%d-%02d", year, (year+1)%100),
			Title: page.Title + ": " + att.Title, PageURL: govuk.PageURL(d.BasePath), Published: page.Updated(),
			Assets: []sources.Asset{{URL: att.URL, Name: att.Name(), Kind: att.Kind()}},
		})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no annual publication of %s from %d-%02d on: %w", ParticipationCollection, firstLAYear, (firstLAYear+1)%100, sources.ErrNothingPublished)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Vintage < out[j].Vintage })
	return out, nil
}

// Identify reads the survey year from the file name ("…_annual_23-24_data_tables…").
func (Participation) Identify(ctx context.Context, rel *sources.Release, files []sources.Fetched) error {
	if rel.Dataset == "" {
		rel.Dataset = ParticipationDataset
	}
	if rel.Vintage == "" {
		if m := surveyYearFileRe.FindStringSubmatch(files[0].Name); m != nil {
			a, _ := strconv.Atoi(m[1])
			b, _ := strconv.Atoi(m[2])
			if b == (a+1)%100 {
				rel.Vintage = fmt.Sprintf("20%02d-%02d", a, b)
			}
		}
	}
	if rel.Vintage == "" {
		return fmt.Errorf("%s: the file name does not say the survey year (\"23-24\"): %w", files[0].Name, sources.ErrNoVintage)
	}
	if rel.Title == "" {
		rel.Title = "Participation Survey " + rel.Vintage + " annual publication: data tables"
	}
	return nil
}

// Load reads every local-authority table of the workbook; at least one must be present.
func (Participation) Load(ctx context.Context, ld *sources.Loader) error {
	f, err := ld.File("")
	if err != nil {
		return err
	}
	w, err := ld.Writer(ctx, ParticipationTable.Name)
	if err != nil {
		return err
	}
	n, err := readParticipation(ctx, f.Path, f.Filename, w.Append)
	if err != nil {
		return err
	}
	if n == 0 {
		return &sources.LayoutError{File: f.Filename, Expected: "LAD23 code", Detail: "no sheet is a local-authority table (a header with LAD23 code and Response Breakdown)"}
	}
	return nil
}

// readParticipation reads every local-authority table and returns how many it read.
func readParticipation(ctx context.Context, path, file string, emit appendFunc) (int, error) {
	wb, err := sheets.Open(path)
	if err != nil {
		return 0, err
	}
	defer wb.Close()
	n := 0
	for _, sheet := range wb.Sheets() {
		ok, err := readParticipationSheet(ctx, wb, sheet, file, emit)
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

// yearBlock is the five columns of one survey year.
type yearBlock struct {
	year                                 string // "2023-24"
	label                                string // "2023/24"
	pct, lower, upper, respondents, base int
}

func readParticipationSheet(ctx context.Context, wb sheets.Workbook, sheet, file string, emit appendFunc) (bool, error) {
	rows, err := wb.Rows(sheet)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	title := ""
	var header []sheets.Cell
	hdrRow := 0
	for i := 0; i < 12 && rows.Next(); i++ {
		r := rows.Row()
		if title == "" {
			title = sheets.NormalizeHeader(cellText(r, 0))
		}
		for _, c := range r {
			if ladCodeHeaderRe.MatchString(sheets.NormalizeHeader(c.Value)) {
				header, hdrRow = append([]sheets.Cell(nil), r...), rows.Number()
				break
			}
		}
		if header != nil {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return false, err
	}
	if header == nil {
		return false, nil // a national or regional table, the cover or notes
	}
	codeCol := -1
	var texts []string
	for i, c := range header {
		h := sheets.NormalizeHeader(c.Value)
		texts = append(texts, h)
		if codeCol < 0 && ladCodeHeaderRe.MatchString(h) {
			codeCol = i
		}
	}
	// ITL1 name and Question are in some tables and not others: no MissingOptional note.
	cols, err := sources.MatchColumns(file, sheet, header, []string{"Response Breakdown"}, []string{"ITL1 name", "Question"})
	if err != nil {
		return true, err
	}
	var blocks []yearBlock
	for _, h := range texts {
		m := pctHeaderRe.FindStringSubmatch(h)
		if m == nil {
			continue
		}
		fy, _, _, _, ok := financialYear(m[1])
		if !ok {
			return true, &sources.LayoutError{File: file, Sheet: sheet, Expected: "Percentage of respondents YYYY/YY", Nearest: []string{h}}
		}
		yc, err := sources.MatchColumns(file, sheet, header, []string{
			"Percentage of respondents " + m[1],
			"Percentage of respondents " + m[1] + " Lower estimate",
			"Percentage of respondents " + m[1] + " Upper estimate",
			m[1] + " No. of respondents",
			m[1] + " Base",
		}, nil)
		if err != nil {
			return true, err
		}
		blocks = append(blocks, yearBlock{year: fy, label: m[1],
			pct: yc.Index("Percentage of respondents " + m[1]), lower: yc.Index("Percentage of respondents " + m[1] + " Lower estimate"),
			upper: yc.Index("Percentage of respondents " + m[1] + " Upper estimate"), respondents: yc.Index(m[1] + " No. of respondents"),
			base: yc.Index(m[1] + " Base")})
	}
	if len(blocks) == 0 {
		return true, &sources.LayoutError{File: file, Sheet: sheet, Expected: "Percentage of respondents YYYY/YY", Nearest: sources.Nearest("Percentage of respondents 2023/24", texts, 3),
			Detail: fmt.Sprintf("the header in row %d has no survey year columns", hdrRow)}
	}
	tableID := sheet
	if m := sheetTableRe.FindStringSubmatch(sheet); m != nil {
		tableID = strings.ToUpper(m[1])
	}
	titleNotes := strings.Join(noteMarkRe.FindAllString(title, -1), " ")
	question := ""
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return true, err
		}
		r, n := rows.Row(), rows.Number()
		if q := cols.Text(r, "Question"); q != "" && question == "" {
			question = q
		}
		name := cols.Text(r, "Response Breakdown")
		code := cellText(r, codeCol)
		if name == "" && code == "" {
			continue // a footnote
		}
		q := question
		if q == "" {
			q = strings.TrimSpace(tableTitleRe.ReplaceAllString(title, ""))
		}
		for _, b := range blocks {
			pct, err := parseValue(file, sheet, r, n, b.pct)
			if err != nil {
				return true, err
			}
			lo, err := parseValue(file, sheet, r, n, b.lower)
			if err != nil {
				return true, err
			}
			hi, err := parseValue(file, sheet, r, n, b.upper)
			if err != nil {
				return true, err
			}
			resp, err := count(file, sheet, r, n, b.respondents)
			if err != nil {
				return true, err
			}
			base, err := count(file, sheet, r, n, b.base)
			if err != nil {
				return true, err
			}
			if !pct.Valid && pct.Reason == "blank" && !lo.Valid && !hi.Valid && resp == nil && base == nil {
				continue // no estimate for this year
			}
			if pct.Valid && lo.Valid && hi.Valid && (lo.Value > pct.Value+1e-9 || hi.Value < pct.Value-1e-9) {
				return true, &sheets.CellError{File: file, Sheet: sheet, Row: n, Col: b.pct, Value: cellText(r, b.pct),
					Err: fmt.Errorf("percentage outside its interval %v to %v", lo.Value, hi.Value)}
			}
			if (lo.Valid && lo.Value < 0) || (hi.Valid && hi.Value > 100) {
				return true, &sheets.CellError{File: file, Sheet: sheet, Row: n, Col: b.lower, Value: cellText(r, b.lower),
					Err: fmt.Errorf("interval %v to %v outside 0-100 (percentages are published as 0-100)", lo.Value, hi.Value)}
			}
			if pct.Valid && (pct.Value < 0 || pct.Value > 100) {
				return true, &sheets.CellError{File: file, Sheet: sheet, Row: n, Col: b.pct, Value: cellText(r, b.pct), Err: errors.New("percentage outside 0-100")}
			}
			var marker *string
			if !pct.Valid {
				marker = &pct.Reason
			}
			_, nameNotes := values.StripNotes(name)
			note := joinNotes(titleNotes, q, nameNotes, pct.Note)
			if err := emit(file, sheet, n, tableID, title, q, optString(code), optString(name), optString(cols.Text(r, "ITL1 name")), b.year,
				optFloat(pct), optFloat(lo), optFloat(hi), resp, base, marker, optString(note)); err != nil {
				return true, err
			}
		}
	}
	return true, rows.Err()
}

// count reads a whole number cell (nil for a marker or blank).
func count(file, sheet string, r []sheets.Cell, row, col int) (*int64, error) {
	text := cellText(r, col)
	v, ok, err := values.Int(text)
	if err != nil {
		return nil, &sheets.CellError{File: file, Sheet: sheet, Row: row, Col: col, Value: text, Err: err}
	}
	if !ok {
		return nil, nil
	}
	return &v, nil
}
