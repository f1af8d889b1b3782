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

func init() { sources.Register(MuseumVisits{}) }

// MuseumVisits is the dcms-museum-visits source: "Museums and galleries monthly visits", the
// monthly and quarterly visits to each DCMS-sponsored museum group and site, published quarterly
// as one ODS workbook that repeats the whole series (sheets 1a monthly and 1b quarterly from
// January 2019; 2a and 2b, the archive from April 2004 to December 2018).
type MuseumVisits struct{}

// VisitsPage is the GOV.UK statistical data set page whose attachment is the current workbook.
const VisitsPage = "/government/statistical-data-sets/museums-and-galleries-monthly-visits"

// VisitsDataset is the dataset name of the workbook; its vintage is the last month it covers
// ("2025-06").
const VisitsDataset = "monthly-visits"

// VisitsExportDataset is the dataset of a file holding only part of the workbook: a table saved
// as CSV by a user, or a workbook without all of tables 1a, 1b, 2a and 2b. It is kept beside the
// official releases, never in their place: core.museum_visits takes each period from the newest
// official workbook that holds it, and from an export only where no workbook does.
const VisitsExportDataset = "monthly-visits-export"

// visitsTables are the tables of the official workbook.
var visitsTables = []string{"1a", "1b", "2a", "2b"}

// VisitsTable is raw.dcms_museum_visits: one row per published cell of sheets 1a, 1b, 2a and 2b.
var VisitsTable = warehouse.Table{Schema: "raw", Name: "dcms_museum_visits",
	Doc: "DCMS-sponsored museums and galleries monthly and quarterly visits, one row per museum row and period column as published", Columns: []warehouse.Column{
		{Name: "table_id", Type: "VARCHAR", Doc: "sheet: 1a (monthly), 1b (quarterly), 2a (monthly archive), 2b (quarterly archive); for a CSV, the table its columns show (1a, 1b, or 2 for the archive layout)"},
		{Name: "museum_name", Type: "VARCHAR", Doc: "Museum Name as published, [note N] markers included"},
		{Name: "museum_group", Type: "VARCHAR", Doc: "Museum Group as published (NULL in the archive sheets, which have no such column)"},
		{Name: "parent_name", Type: "VARCHAR", Doc: "archive sheets: the Museum group row a Museum site row follows, as published"},
		{Name: "coverage", Type: "VARCHAR", Doc: "All DCMS-sponsored museums, Museum group or Museum site"},
		{Name: "period_label", Type: "VARCHAR", Doc: "the period column's header as published (\"January 2019\", \"July - September 2020 (Q2) [r]\", \"2004/2005\")"},
		{Name: "row_label", Type: "VARCHAR", Doc: "archive sheets: the Month column (\"April\", \"Apr-June (Q1)\", \"Financial Year Running Total\")"},
		{Name: "grain", Type: "VARCHAR", Doc: "month, quarter or year_to_date (the archive's financial year running total)"},
		{Name: "period_start", Type: "DATE", Doc: "first day of the month, quarter or financial year"},
		{Name: "visits", Type: "DOUBLE", Doc: "visits as published (the archive has fractional values); NULL for a marker"},
		{Name: "marker", Type: "VARCHAR", Doc: "why visits is NULL (\"not available [x]\")"},
		{Name: "revised", Type: "BOOLEAN", Doc: "the cell or its column header carries [r], or the row's Notes call the cell revised"},
		{Name: "note", Type: "VARCHAR", Doc: "note markers that apply to the cell: the name's [note N] and the Notes column's for this cell"},
		{Name: "notes_text", Type: "VARCHAR", Doc: "the row's Notes column as published"},
	}}

// Info describes the source.
func (MuseumVisits) Info() sources.Info {
	return sources.Info{
		ID:         "dcms-museum-visits",
		Title:      "DCMS-sponsored museums and galleries monthly visits",
		Publisher:  Publisher,
		Licence:    Licence,
		LicenceURL: LicenceURL,
		Homepage:   govuk.PageURL(VisitsPage),
		Tables:     []warehouse.Table{VisitsTable},
		Cadence: sources.Cadence{Every: "quarterly", Months: []time.Month{time.February, time.May, time.August, time.November}, Day: 10,
			Grace: 45 * 24 * time.Hour, Note: "monthly figures published quarterly, about six weeks after each quarter"},
		Schedule: "0 6 * * 4",
	}
}

var (
	visitsFileRe = regexp.MustCompile(`(?i)visits.*\.(ods|xlsx)$`)
	// toMonthRe finds the last month covered in a file name or title: "…_-_to_June_2025_data_tables.ods".
	toMonthRe = regexp.MustCompile(`(?i)to[ _]+([A-Za-z]+)[ _]+(\d{4})`)
	// rangeRe finds a range of months in a file name or title, "Jan2019-Sep2025",
	// "January 2019 - September 2025": its end is the last month covered.
	rangeRe = regexp.MustCompile(`(?i)(?:^|[^A-Za-z])([A-Za-z]{3,9})[ _.-]?(\d{4})[ _]*(?:-|–|to)[ _]*([A-Za-z]{3,9})[ _.-]?(\d{4})`)
)

// Discover reads the data set page and returns its current workbook.
func (MuseumVisits) Discover(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	page, err := govuk.Get(ctx, env.Fetch, VisitsPage)
	if err != nil {
		return nil, err
	}
	att, err := page.Attachment(visitsFileRe)
	if err != nil {
		return nil, err
	}
	vintage := lastMonth(att.Name())
	if vintage == "" {
		vintage = lastMonth(att.Title)
	}
	return []sources.Release{{
		Dataset: VisitsDataset, Vintage: vintage, Title: page.Title + ": " + att.Title,
		PageURL: govuk.PageURL(VisitsPage), Published: page.Updated(),
		Assets: []sources.Asset{{URL: att.URL, Name: att.Name(), Kind: att.Kind()}},
	}}, nil
}

// lastMonth returns "2025-06" for text saying "to June 2025", or "Jan2019-Jun2025" (a range of
// months: its end), else "".
func lastMonth(s string) string {
	m := toMonthRe.FindAllStringSubmatch(s, -1)
	for i := len(m) - 1; i >= 0; i-- {
		if mon, ok := monthNumber(m[i][1]); ok {
			return fmt.Sprintf("%s-%02d", m[i][2], int(mon))
		}
	}
	r := rangeRe.FindAllStringSubmatch(s, -1)
	for i := len(r) - 1; i >= 0; i-- {
		_, ok1 := monthNumber(r[i][1])
		mon, ok2 := monthNumber(r[i][3])
		if ok1 && ok2 && r[i][4] >= r[i][2] {
			return fmt.Sprintf("%s-%02d", r[i][4], int(mon))
		}
	}
	return ""
}

// Identify reads the last month covered from the file name ("to June 2025", "Jan2019-Jun2025"),
// else from the table's title ("… January 2019 to June 2025 …"). A file holding all of tables 1a,
// 1b, 2a and 2b is the official workbook (dataset monthly-visits); one holding part of it, such as
// table 1a saved as CSV, is an export (dataset monthly-visits-export), kept beside the official
// releases so that it never takes their place.
func (MuseumVisits) Identify(ctx context.Context, rel *sources.Release, files []sources.Fetched) error {
	path, name := files[0].Path, files[0].Name
	wb, err := sheets.Open(path)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, s := range wb.Sheets() {
		have[s] = true
	}
	wb.Close()
	complete := true
	for _, t := range visitsTables {
		complete = complete && have[t]
	}
	if rel.Dataset == "" {
		rel.Dataset = VisitsDataset
		if !complete {
			rel.Dataset = VisitsExportDataset
		}
	}
	if rel.Vintage == "" {
		rel.Vintage = lastMonth(name)
	}
	if rel.Vintage == "" {
		titleSheet := "1a"
		if have[""] {
			titleSheet = "" // a CSV: its title row, when it kept one
		}
		title, err := firstCell(path, titleSheet)
		if err != nil {
			return err
		}
		rel.Vintage = lastMonth(title)
	}
	if rel.Vintage == "" {
		return fmt.Errorf("%s: neither the file name (\"to June 2025\", \"Jan2019-Jun2025\") nor the table's title says the last month covered: %w", name, sources.ErrNoVintage)
	}
	if rel.Title == "" {
		rel.Title = "Museums and galleries monthly visits to " + rel.Vintage
		if rel.Dataset == VisitsExportDataset {
			rel.Title += " (part of the workbook: " + name + ")"
		}
	}
	return nil
}

// firstCell returns the first non-empty cell of a sheet (its title), "" when the sheet is absent.
func firstCell(path, sheet string) (string, error) {
	wb, err := sheets.Open(path)
	if err != nil {
		return "", err
	}
	defer wb.Close()
	rows, err := wb.Rows(sheet)
	if errors.Is(err, sheets.ErrNoSheet) {
		return "", nil
	} else if err != nil {
		return "", err
	}
	defer rows.Close()
	if rows.Next() {
		return cellText(rows.Row(), 0), nil
	}
	return "", rows.Err()
}

// Load reads every sheet laid out as a visits table: the current layout (Museum Name, Museum
// Group, Coverage, one column per month or quarter, Notes) or the archive layout (Museum Name,
// Coverage, Month, one column per financial year). At least one sheet must be found.
func (MuseumVisits) Load(ctx context.Context, ld *sources.Loader) error {
	f, err := ld.File("")
	if err != nil {
		return err
	}
	w, err := ld.Writer(ctx, VisitsTable.Name)
	if err != nil {
		return err
	}
	_, err = readVisitsNoting(ctx, f.Path, f.Filename, w.Append, func(n string) { ld.Note(n) })
	return err
}

// appendFunc writes one row (the Writer's Append, or a test's collector).
type appendFunc func(file, sheet string, row int, values ...any) error

// readVisits reads every visits sheet of the workbook at path and returns how many it read. A
// workbook without one is a *sources.LayoutError naming the sheet and row that came closest to
// the Museum Name and Coverage header.
func readVisits(ctx context.Context, path, file string, emit appendFunc) (int, error) {
	return readVisitsNoting(ctx, path, file, emit, nil)
}

// readVisitsNoting is readVisits that also reports, through note (when not nil), each sheet that
// was skipped although it has part of the visits header (Museum Name without Coverage, say)
// while other sheets loaded: a visits table whose layout changed must not vanish silently.
func readVisitsNoting(ctx context.Context, path, file string, emit appendFunc, note func(string)) (int, error) {
	wb, err := sheets.Open(path)
	if err != nil {
		return 0, err
	}
	defer wb.Close()
	found := 0
	var closest error
	var partial []error // sheets with some of the header: visits tables whose layout changed
	for _, sheet := range wb.Sheets() {
		ok, err := readVisitsSheet(ctx, wb, sheet, file, emit)
		var he *sheets.HeaderError
		switch {
		case errors.Is(err, sheets.ErrHeaderNotFound):
			closest = sources.CloserHeader(closest, err)
			if errors.As(err, &he) && he.Found() > 0 {
				partial = append(partial, err)
			}
		case err != nil:
			return found, err
		case ok:
			found++
		}
	}
	if found > 0 {
		for _, err := range partial {
			if note != nil {
				note("skipped a sheet with part of the visits header: " + sources.HeaderLayoutError(file, err).Error())
			}
		}
		return found, nil
	}
	if closest == nil {
		return 0, &sources.LayoutError{File: file, Expected: "Museum Name", Detail: "the workbook has no sheets"}
	}
	err = sources.HeaderLayoutError(file, closest)
	var le *sources.LayoutError
	if errors.As(err, &le) && len(wb.Sheets()) > 1 {
		le.Detail = strings.TrimPrefix(le.Detail+"; no other sheet came closer", "; ")
	}
	return 0, err
}

// visitPeriod is a parsed period column (current layout) or row (archive layout).
type visitPeriod struct {
	grain   string
	start   time.Time
	revised bool
}

var (
	monthHeaderRe   = regexp.MustCompile(`^([A-Za-z]+)\s+(\d{4})$`)
	quarterHeaderRe = regexp.MustCompile(`^([A-Za-z]+)\.?\s*-\s*([A-Za-z]+)\.?\s+(\d{4})(?:\s*\(Q[1-4]\))?$`)
	quarterRowRe    = regexp.MustCompile(`^([A-Za-z]+)\.?\s*-\s*([A-Za-z]+)\.?(?:\s*\(Q[1-4]\))?$`)
)

// parsePeriodHeader reads a current-layout column header: "January 2019", "September 2020 [r]",
// "January - March 2019 (Q4)", "April - June 2021 (Q1) ".
func parsePeriodHeader(h string) (visitPeriod, bool) {
	s := sheets.NormalizeHeader(h)
	var p visitPeriod
	if revisedMarkRe.MatchString(s) {
		p.revised = true
		s = strings.TrimSpace(revisedMarkRe.ReplaceAllString(s, ""))
	}
	if m := monthHeaderRe.FindStringSubmatch(s); m != nil {
		mon, ok := monthNumber(m[1])
		y, _ := strconv.Atoi(m[2])
		if !ok || y < 1900 || y > 2200 {
			return p, false
		}
		p.grain, p.start = "month", time.Date(y, mon, 1, 0, 0, 0, 0, time.UTC)
		return p, true
	}
	if m := quarterHeaderRe.FindStringSubmatch(s); m != nil {
		first, ok1 := monthNumber(m[1])
		last, ok2 := monthNumber(m[2])
		y, _ := strconv.Atoi(m[3])
		if !ok1 || !ok2 || last != first+2 || y < 1900 || y > 2200 {
			return p, false
		}
		p.grain, p.start = "quarter", time.Date(y, first, 1, 0, 0, 0, 0, time.UTC)
		return p, true
	}
	return p, false
}

// parseArchiveRow reads an archive sheet's Month cell against a financial year starting in
// April of fyStart: "April" … "March", "Apr-June (Q1)" … "Jan-March (Q4)", or "Financial Year
// Running Total".
func parseArchiveRow(label string, fyStart int) (visitPeriod, bool) {
	s := sheets.NormalizeHeader(label)
	at := func(m time.Month) time.Time {
		y := fyStart
		if m < time.April {
			y++
		}
		return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	}
	if strings.EqualFold(s, "Financial Year Running Total") {
		return visitPeriod{grain: "year_to_date", start: at(time.April)}, true
	}
	if m := quarterRowRe.FindStringSubmatch(s); m != nil {
		first, ok1 := monthNumber(m[1])
		last, ok2 := monthNumber(m[2])
		if !ok1 || !ok2 || (last-first+12)%12 != 2 || (first-time.January)%3 != 0 {
			return visitPeriod{}, false
		}
		return visitPeriod{grain: "quarter", start: at(first)}, true
	}
	if !strings.ContainsAny(s, " -") {
		if mon, ok := monthNumber(s); ok && strings.EqualFold(s, mon.String()) {
			return visitPeriod{grain: "month", start: at(mon)}, true
		}
	}
	return visitPeriod{}, false
}

// readVisitsSheet reads one sheet; a sheet that is not a visits table (Cover_sheet, Contents,
// Notes) is the error of sheets.FindHeader (matching sheets.ErrHeaderNotFound).
func readVisitsSheet(ctx context.Context, wb sheets.Workbook, sheet, file string, emit appendFunc) (ok bool, err error) {
	rows, err := wb.Rows(sheet)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	hdrRow, header, err := sheets.FindHeader(rows, 10, "Museum Name", "Coverage")
	if err != nil {
		return false, err
	}
	// The optional headers tell the current layout (Museum Group) from the archive one (Month), and
	// Notes comes and goes between releases: their absence is no reason for a MissingOptional note.
	cols, err := sources.MatchColumns(file, sheet, header, []string{"Museum Name", "Coverage"}, []string{"Museum Group", "Month", "Notes"})
	if err != nil {
		return false, err
	}
	archive := cols.Index("Month") >= 0
	if !archive && cols.Index("Museum Group") < 0 {
		return false, &sources.LayoutError{File: file, Sheet: sheet, Expected: "Museum Group", Detail: "a visits table has either Museum Group (current layout) or Month (archive layout)"}
	}
	fixed := map[int]bool{cols.Index("Museum Name"): true, cols.Index("Coverage"): true, cols.Index("Museum Group"): true, cols.Index("Month"): true, cols.Index("Notes"): true}
	type periodCol struct {
		idx     int
		label   string
		p       visitPeriod // current layout
		fyStart int         // archive layout
	}
	var pcols []periodCol
	for i, c := range header {
		h := sheets.NormalizeHeader(c.Value)
		if h == "" || fixed[i] {
			continue
		}
		pc := periodCol{idx: i, label: h}
		if archive {
			_, start, _, rev, ok := financialYear(h)
			if !ok {
				return false, &sources.LayoutError{File: file, Sheet: sheet, Expected: "a financial year such as 2004/2005", Nearest: []string{h},
					Detail: fmt.Sprintf("unrecognised column header in cell %s", sheets.CellRef(i, hdrRow))}
			}
			pc.fyStart, pc.p.revised = start, rev
		} else {
			p, ok := parsePeriodHeader(h)
			if !ok {
				return false, &sources.LayoutError{File: file, Sheet: sheet, Expected: "a month (January 2019) or quarter (January - March 2019 (Q4))", Nearest: []string{h},
					Detail: fmt.Sprintf("unrecognised column header in cell %s", sheets.CellRef(i, hdrRow))}
			}
			pc.p = p
		}
		pcols = append(pcols, pc)
	}
	if len(pcols) == 0 {
		return false, &sources.LayoutError{File: file, Sheet: sheet, Expected: "period columns", Detail: "the header has no month, quarter or year column"}
	}
	tableID := sheet
	if tableID == "" {
		// A CSV holds one table and has no sheet name: the table its columns show.
		switch {
		case archive:
			tableID = "2"
		case pcols[0].p.grain == "month":
			tableID = "1a"
		default:
			tableID = "1b"
		}
	}
	parent := ""
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return true, err
		}
		r, n := rows.Row(), rows.Number()
		name := cols.Text(r, "Museum Name")
		coverage := cols.Text(r, "Coverage")
		if name == "" && coverage == "" {
			continue // a footnote or a stray cell
		}
		if coverage == "" {
			// A footnote below the table has text in the name column and no figures.
			if hasNumbers(r, pcols[0].idx) {
				return true, &sheets.CellError{File: file, Sheet: sheet, Row: n, Col: cols.Index("Coverage"), Err: errors.New("a row with figures has no Coverage")}
			}
			continue
		}
		if name == "" {
			return true, &sheets.CellError{File: file, Sheet: sheet, Row: n, Col: cols.Index("Museum Name"), Err: errors.New("a row has no Museum Name")}
		}
		group := optString(cols.Text(r, "Museum Group"))
		var parentName *string
		if archive {
			switch strings.ToLower(coverage) {
			case "museum group":
				parent = name
			case "museum site":
				parentName = optString(parent)
			default:
				parent = ""
			}
		}
		rowLabel := cols.Text(r, "Month")
		notesText := cols.Text(r, "Notes")
		cn := parseCellNotes(notesText)
		nameNotes := noteMarkRe.FindAllString(name, -1)
		for _, pc := range pcols {
			p := pc.p
			if archive {
				ap, ok := parseArchiveRow(rowLabel, pc.fyStart)
				if !ok {
					return true, &sheets.CellError{File: file, Sheet: sheet, Row: n, Col: cols.Index("Month"), Value: rowLabel,
						Err: errors.New("not a month, a quarter (Apr-June (Q1)) or Financial Year Running Total")}
				}
				ap.revised = pc.p.revised
				p = ap
			}
			v, err := parseValue(file, sheet, r, n, pc.idx)
			if err != nil {
				return true, err
			}
			if !v.Valid && v.Reason == "blank" {
				continue
			}
			cellNote, cellRev := cn.forCell(pc.idx, n)
			var marker *string
			if !v.Valid {
				marker = &v.Reason
			}
			note := joinNotes(strings.Join(nameNotes, " "), v.Note, cellNote)
			if err := emit(file, sheet, n, tableID, name, group, parentName, coverage, pc.label, optString(rowLabel), p.grain, p.start,
				optFloat(v), marker, v.Revised || p.revised || cellRev, optString(note), optString(notesText)); err != nil {
				return true, err
			}
		}
	}
	return true, rows.Err()
}

// hasNumbers reports whether any cell from column from on holds a number.
func hasNumbers(r []sheets.Cell, from int) bool {
	for i := from; i < len(r); i++ {
		if _, ok := r[i].Float(); ok {
			return true
		}
	}
	return false
}
