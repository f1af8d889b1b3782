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
	"github.com/cornerstone-data/cornerstone/sources/govuk"
)

// Budget is the mhclg-revenue-budget source: the Revenue Account (RA) budget per authority for
// the newest two financial years published, so reports can set a year's budget beside its
// outturn. RA files are RA_<year>_data_by_LA (one file) or, from 2023-24, RA_<year>_data_Part_1
// (services and financing); only Part 1 holds service lines.
//
// The RA form groups RO5's lines: "Culture and heritage (excluding archives)" is arts development,
// heritage, museums and galleries and theatres; "Recreation and sport" is community centres,
// foreshore, sports development and sports facilities; "Open spaces" is parks and allotments.
// Every RA service value is a net current expenditure budget, in £ thousand.
type Budget struct{}

// BudgetYears is how many of the newest financial years the budget source loads.
const BudgetYears = 2

// RATable is raw.mhclg_ra: the RA cultural lines per authority, as published.
var RATable = warehouse.Table{Schema: "raw", Name: "mhclg_ra", Doc: "Revenue Account budget per authority: cultural service lines (net current expenditure, £ thousand)", Columns: []warehouse.Column{
	{Name: "financial_year", Type: "VARCHAR"},
	{Name: "ecode", Type: "VARCHAR"},
	{Name: "ons_code", Type: "VARCHAR"},
	{Name: "la_name", Type: "VARCHAR"},
	{Name: "la_class", Type: "VARCHAR"},
	{Name: "status", Type: "VARCHAR", Doc: "submitted, or not submitted when every kept line is blank"},
	{Name: "section", Type: "VARCHAR", Doc: "the section heading above the line (forward-filled), as published"},
	{Name: "ra_line", Type: "VARCHAR", Doc: "RA line number as published"},
	{Name: "asset_id", Type: "VARCHAR", Doc: "asset id as published (the time series' middle token)"},
	{Name: "service", Type: "VARCHAR", Doc: "line title as published"},
	{Name: "line", Type: "VARCHAR", Doc: "Cornerstone RA line key"},
	{Name: "value_thousand", Type: "DOUBLE"},
	{Name: "value_note", Type: "VARCHAR"},
	{Name: "unit", Type: "VARCHAR"},
}}

// Info describes the source.
func (Budget) Info() sources.Info {
	return sources.Info{
		ID:         "mhclg-revenue-budget",
		Title:      "Local authority revenue expenditure and financing: budget (RA) per authority",
		Publisher:  Publisher,
		Licence:    Licence,
		LicenceURL: LicenceURL,
		Homepage:   govuk.PageURL(RevenueCollection),
		Tables:     []warehouse.Table{RATable},
		Cadence: sources.Cadence{Every: "annual", Months: []time.Month{time.June, time.July}, Grace: 90 * 24 * time.Hour,
			Note: "budget per authority published in the summer of the financial year"},
		Schedule: "0 5 * * 1",
	}
}

var raFileRes = []*regexp.Regexp{regexp.MustCompile(`(?i)^RA_.*(data_by_LA|Part_1)`), regexp.MustCompile(`(?i)^RA_\d`)}

// Discover reads the revenue collection's budget pages, newest year first, and takes the RA file
// of the newest BudgetYears years that have one.
func (Budget) Discover(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	pages, err := revenuePages(ctx, env, pageBudget)
	if err != nil {
		return nil, err
	}
	var out []sources.Release
	years := map[string]bool{}
	for i := len(pages) - 1; i >= 0 && len(years) < BudgetYears; i-- {
		p := pages[i]
		if years[p.Year] {
			continue
		}
		page, err := govuk.Get(ctx, env.Fetch, p.Doc.BasePath)
		if err != nil {
			return nil, err
		}
		att, ok := findAttachment(page, raFileRes, []string{"(RA)"})
		if !ok {
			continue
		}
		years[p.Year] = true
		out = append(out, sources.Release{
			Dataset: RADatasetPrefix + p.Year, Vintage: vintageOf(page.Updated(), p.Stage),
			Title: page.Title + ": " + att.Title, PageURL: govuk.PageURL(p.Doc.BasePath), Published: page.Updated(),
			Assets: []sources.Asset{{URL: att.URL, Name: att.Name(), Kind: att.Kind()}},
		})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: none of the %d budget pages of %s has an attachment matching %v", sources.ErrNothingPublished, len(pages), govuk.PageURL(RevenueCollection), raFileRes)
	}
	// Oldest first.
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// Identify reads the financial year of an RA file given with --from; which release it is is not in
// the file, so unless --vintage names it the load is refused with sources.ErrNoVintage.
func (Budget) Identify(ctx context.Context, rel *sources.Release, files []sources.Fetched) error {
	f := files[0]
	b, err := openRA(f.Path, f.Name)
	if err != nil {
		return err
	}
	if b.fy == "" {
		return fmt.Errorf("%s: the sheet names, title rows and file name do not say the financial year: %w", f.Name, sources.ErrNoVintage)
	}
	if rel.Dataset == "" {
		rel.Dataset = RADatasetPrefix + b.fy
	}
	if rel.Title == "" {
		rel.Title = "Revenue account budget (RA) " + b.fy + " (" + f.Name + ")"
	}
	if rel.Vintage == "" {
		return fmt.Errorf("%s: the file does not say which release of %s it is: %w", f.Name, rel.Dataset, sources.ErrNoVintage)
	}
	return nil
}

// Load reads the RA file's cultural lines.
func (Budget) Load(ctx context.Context, ld *sources.Loader) error {
	f, err := ld.File("")
	if err != nil {
		return err
	}
	b, err := openRA(f.Path, f.Filename)
	if err != nil {
		return err
	}
	want := strings.TrimPrefix(ld.Release.Dataset, RADatasetPrefix)
	if b.fy == "" {
		b.fy = want
	}
	if b.fy != want {
		return fmt.Errorf("%s holds financial year %s, but the release is %s: %w", f.Filename, b.fy, ld.Release.Dataset, sources.ErrLayout)
	}
	w, err := ld.Writer(ctx, RATable.Name)
	if err != nil {
		return err
	}
	return b.stream(ctx, func(r raRecord) error {
		var v any
		if r.amount.Valid {
			v = r.amount.Value
		}
		return w.Append(f.Filename, b.sheet, r.row, b.fy, r.ecode, nullable(r.ons), nullable(r.name), nullable(r.class), r.status,
			nullable(r.col.section), nullable(r.col.number), nullable(r.col.asset), r.col.title, r.col.line, v, nullable(r.amount.Reason), UnitThousand)
	})
}

// raCol is one kept RA line column.
type raCol struct {
	idx                                 int
	title, line, section, number, asset string
}

// raBook is an RA workbook whose header has been read and checked.
type raBook struct {
	path, name, sheet, fy string
	identity              map[string]int
	headerRow             int
	cols                  []raCol
}

var (
	assetIDRe    = regexp.MustCompile(`^[a-z][a-z0-9_]{2,}$`)
	lineNumberRe = regexp.MustCompile(`^\d{1,4}[a-z]?$`)
)

// openRA finds the RA data sheet (the first with a row naming E-code and Local authority beside
// RA line titles), reads the rows above it (asset ids, section headings, line numbers) and checks
// that every required cultural line is present exactly once.
func openRA(path, name string) (*raBook, error) {
	wb, err := sheets.Open(path)
	if err != nil {
		return nil, err
	}
	defer wb.Close()
	var near []string
	for _, sheet := range wb.Sheets() {
		b, found, n, err := readRAHeader(wb, path, name, sheet)
		if err != nil {
			return nil, err
		}
		if found {
			return b, nil
		}
		near = append(near, n...)
	}
	return nil, &sources.LayoutError{File: name, Expected: RALines[0].Spellings[0], Nearest: sources.Nearest(RALines[0].Spellings[0], near, 3),
		Detail: fmt.Sprintf("no sheet of %v has a row with E-code, Local authority and the RA cultural line titles", wb.Sheets())}
}

func readRAHeader(wb sheets.Workbook, path, file, sheet string) (*raBook, bool, []string, error) {
	rows, err := wb.Rows(sheet)
	if err != nil {
		return nil, false, nil, err
	}
	defer rows.Close()
	var buf []bufferedRow
	idRow := -1
	for len(buf) < headScan && rows.Next() {
		buf = append(buf, bufferedRow{rows.Number(), append([]sheets.Cell(nil), rows.Row()...)})
		if isIdentityRow(buf[len(buf)-1].cells) {
			idRow = len(buf) - 1
			break
		}
	}
	if err := rows.Err(); err != nil {
		return nil, false, nil, err
	}
	if idRow < 0 {
		return nil, false, nil, nil
	}
	title := buf[idRow].cells
	hits := 0
	for _, c := range title {
		if raCatalogue.line(c.Value) != "" {
			hits++
		}
	}
	if hits == 0 {
		// An identity row without any RA line: an RO workbook, or a layout change.
		return nil, false, nonEmpty(texts(title)), nil
	}
	b := &raBook{path: path, name: file, sheet: sheet, identity: map[string]int{}, headerRow: buf[idRow].num}
	lastID := -1
	for i, c := range title {
		if k, ok := identityByText[norm(c.Value)]; ok {
			if _, dup := b.identity[k]; !dup {
				b.identity[k] = i
			}
			lastID = max(lastID, i)
		}
	}
	// Rows above the title: asset ids (lower-case tokens), line numbers (numbers), section headings
	// (other text, forward-filled across merged cells).
	var assetRow, numberRow, sectionRow []sheets.Cell
	var titles []string
	for i := idRow - 1; i >= 0 && i >= idRow-4; i-- {
		r := cellsAfter(buf[i].cells, lastID)
		var assets, numbers, textual int
		for _, c := range r {
			t := strings.TrimSpace(c.Value)
			switch {
			case t == "":
			case c.Kind == sheets.Number || lineNumberRe.MatchString(t):
				numbers++
			case assetIDRe.MatchString(t):
				assets++
			default:
				textual++
			}
		}
		switch {
		case assets > 0 && assets >= numbers && assets >= textual && assetRow == nil:
			assetRow = buf[i].cells
		case numbers > 0 && numbers >= textual && numberRow == nil:
			numberRow = buf[i].cells
		case textual > 0 && sectionRow == nil:
			sectionRow = buf[i].cells
		}
	}
	for i := 0; i < idRow; i++ {
		titles = append(titles, strings.Join(nonEmpty(texts(buf[i].cells)), " "))
	}
	section := ""
	byLine := map[string][]raCol{}
	for i, c := range title {
		if i <= lastID {
			continue
		}
		if i < len(sectionRow) {
			if s := norm(sectionRow[i].Value); s != "" {
				section = s
			}
		}
		t := norm(c.Value)
		k := raCatalogue.line(t)
		if k == "" {
			continue
		}
		byLine[k] = append(byLine[k], raCol{idx: i, title: t, line: k, section: section, number: cellText(numberRow, i), asset: cellText(assetRow, i)})
	}
	for _, l := range RALines {
		cs := byLine[l.Key]
		if len(cs) > 1 {
			// A title repeated in several sections: keep the one under the cultural heading.
			var cultural []raCol
			for _, c := range cs {
				if strings.Contains(strings.ToLower(c.section), "cultur") {
					cultural = append(cultural, c)
				}
			}
			cs = cultural
		}
		switch {
		case len(cs) == 1:
			b.cols = append(b.cols, cs[0])
		case len(cs) == 0 && l.Required:
			return nil, false, nil, &sources.LayoutError{File: file, Sheet: sheet, Expected: l.Spellings[0],
				Nearest: sources.Nearest(l.Spellings[0], nonEmpty(texts(title)), 3), Detail: fmt.Sprintf("title row %d", buf[idRow].num)}
		case len(cs) > 1:
			return nil, false, nil, &sources.LayoutError{File: file, Sheet: sheet, Expected: l.Spellings[0] + " once under a cultural heading",
				Nearest: []string{l.Spellings[0]}, Detail: fmt.Sprintf("title row %d repeats it", buf[idRow].num)}
		}
	}
	b.fy = FinancialYear(sheet)
	if b.fy == "" {
		b.fy = FinancialYear(strings.Join(titles, " "))
	}
	if b.fy == "" {
		b.fy = FinancialYear(file)
	}
	return b, true, nil, nil
}

// raRecord is one kept value of an RA workbook.
type raRecord struct {
	row                             int
	ecode, ons, name, class, status string
	col                             raCol
	amount                          amount
}

// stream emits every kept line of every authority row (E-code rows only, each E-code once).
func (b *raBook) stream(ctx context.Context, emit func(raRecord) error) error {
	wb, err := sheets.Open(b.path)
	if err != nil {
		return err
	}
	defer wb.Close()
	rows, err := wb.Rows(b.sheet)
	if err != nil {
		return err
	}
	defer rows.Close()
	seen := map[string]bool{}
	var problems []sources.Problem
	id := func(r []sheets.Cell, k string) string {
		if i, ok := b.identity[k]; ok {
			return cellText(r, i)
		}
		return ""
	}
	n := 0
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if rows.Number() <= b.headerRow {
			continue
		}
		r := rows.Row()
		ecode := id(r, "E-code")
		if !ecodeRe.MatchString(ecode) || seen[ecode] {
			continue
		}
		seen[ecode] = true
		n++
		status := "not submitted"
		for _, c := range b.cols {
			if c.idx < len(r) && r[c.idx].Kind != sheets.Empty {
				status = "submitted"
			}
		}
		for _, c := range b.cols {
			var cell sheets.Cell
			if c.idx < len(r) {
				cell = r[c.idx]
			}
			a, err := parseAmount(cell)
			if err != nil {
				if len(problems) < maxProblems {
					problems = append(problems, sources.Problem{Row: rows.Number(), Column: c.title + " (" + sheets.CellRef(c.idx, rows.Number()) + ")", Value: cell.Value, Why: err.Error()})
				}
				continue
			}
			if status == "not submitted" {
				a.Reason = "not submitted"
			}
			if len(problems) == 0 {
				if err := emit(raRecord{row: rows.Number(), ecode: ecode, ons: id(r, "ONS Code"), name: id(r, "Local authority"), class: id(r, "Class"),
					status: status, col: c, amount: a}); err != nil {
					return err
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) > 0 {
		return &sources.ValidationError{File: b.name, Sheet: b.sheet, Problems: problems}
	}
	if n == 0 {
		return fmt.Errorf("%s sheet %q: no row has an E-code: %w", b.name, b.sheet, sources.ErrEmptyRelease)
	}
	return nil
}
