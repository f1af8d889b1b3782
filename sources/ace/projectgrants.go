package ace

import (
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
	"github.com/cornerstone-data/cornerstone/sources/funding"
	"github.com/cornerstone-data/cornerstone/sources/values"
)

func init() { sources.Register(ProjectGrants{}) }

// ProjectGrants is the ace-project-grants source: National Lottery Project Grants awards, one
// workbook per period on ACE's data page (sheet "Project Grants Awards", title rows above the
// header). Recipients include individuals; local authority names mix old and new geographies.
type ProjectGrants struct{}

// ProjectGrantsPage is the data page discovery reads for its file links.
const ProjectGrantsPage = Homepage + "/ProjectGrants/project-grants-data"

// Project Grants headers.
const (
	pgRecipient = "Recipient"
	pgActivity  = "Activity name"
	pgAmount    = "Award amount"
	pgDate      = "Award date"
	pgMonth     = "Decision Month"
	pgQuarter   = "Decision quarter"
	pgArea      = "ACE Area"
	pgLA        = "Local authority"
	pgDiscip    = "Main discipline"
	pgStrand    = "Strand"
	pgPriority  = "Time-Limited Priority"
)

var (
	pgSlugRe = regexp.MustCompile(`[^a-z0-9]+`)
	pgDMYRe  = regexp.MustCompile(`^(\d{1,2})/(\d{1,2})/(\d{4})$`)
	// pgOtherDocRe matches link texts of documents that are not award data.
	pgSizeRe     = regexp.MustCompile(`\d+(\.\d+)?\s*(kb|mb)\b`)
	pgOtherDocRe = regexp.MustCompile(`\b(pdf|docx?|word|guidance|accessible)\b`)
)

// Info describes the source.
func (ProjectGrants) Info() sources.Info {
	return sources.Info{
		ID:        "ace-project-grants",
		Title:     "Arts Council England National Lottery Project Grants awards",
		Publisher: "Arts Council England",
		Licence:   Licence,
		Homepage:  ProjectGrantsPage,
		Tables:    []warehouse.Table{funding.ProjectGrantsTable},
		Family:    funding.Family,
		Cadence: sources.Cadence{Every: "quarterly", Grace: 120 * 24 * time.Hour,
			Note: "award data published in periodic workbooks, updated a few times a year"},
		Schedule: "0 6 * * 2",
		MaxDrop:  0.5,
	}
}

// Discover returns one release per workbook linked from the data page (/media/ links to xlsx
// files), each its own dataset named from the link text.
func (ProjectGrants) Discover(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	links, err := aceMediaLinks(ctx, env.Fetch, ProjectGrantsPage)
	if err != nil {
		return nil, err
	}
	var out []sources.Release
	for _, l := range links {
		name := path.Base(strings.SplitN(l.URL, "?", 2)[0])
		kind, ext := fetch.KindFromName(l.URL), ".xlsx"
		text := strings.ToLower(l.Text)
		switch {
		case kind == fetch.KindCSV || strings.Contains(text, "csv"):
			kind, ext = fetch.KindCSV, ".csv"
		case kind == fetch.KindXLSX || kind == fetch.KindAny && !pgOtherDocRe.MatchString(text):
			kind = fetch.KindXLSX // ACE's /media/NNN/download links carry no extension
		default:
			continue // guidance PDFs and other documents
		}
		slug := pgSlug(l.Text)
		if slug == "" {
			slug = pgSlug(strings.TrimSuffix(name, path.Ext(name)))
		}
		out = append(out, sources.Release{
			Dataset: "project-grants-" + slug,
			Title:   "Arts Council England National Lottery Project Grants: " + l.Text,
			PageURL: ProjectGrantsPage,
			Assets:  []sources.Asset{{URL: l.URL, Name: slug + ext, Kind: kind}},
		})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("reading %s: no link to an xlsx or csv file: %w", ProjectGrantsPage, sources.ErrNothingPublished)
	}
	return out, nil
}

// pgSlug turns a link text or file name into a dataset suffix: lower-case words joined by '-',
// without the words every link shares.
func pgSlug(s string) string {
	s = pgSizeRe.ReplaceAllString(strings.ToLower(s), " ")
	s = " " + pgSlugRe.ReplaceAllString(s, " ") + " "
	for _, w := range []string{"national lottery", "project grants", "awards", "data", "xlsx", "excel", "csv"} {
		s = strings.ReplaceAll(s, " "+w+" ", " ")
	}
	return strings.Join(strings.Fields(s), "-")
}

// Identify names a --from file's dataset from its name and every release's vintage from its
// content: "awards-to-YYYY-MM-DD", the latest award date in the file, so a corrected copy of the
// same awards replaces its release and a file with later awards is a newer one.
func (ProjectGrants) Identify(ctx context.Context, rel *sources.Release, files []sources.Fetched) error {
	if rel.Dataset == "" {
		stem := strings.TrimSuffix(files[0].Name, path.Ext(files[0].Name))
		rel.Dataset = "project-grants-" + pgSlug(stem)
	}
	if rel.Title == "" {
		rel.Title = "Arts Council England National Lottery Project Grants: " + files[0].Name
	}
	if rel.Vintage != "" {
		return nil
	}
	var latest time.Time
	err := readProjectGrants(ctx, files[0].Path, files[0].Name, nil, func(file, sheet string, row int, g pgRow) error {
		if g.date.After(latest) {
			latest = g.date
		}
		return nil
	})
	if err != nil {
		return err
	}
	if latest.IsZero() {
		return fmt.Errorf("%s: no award dates: %w", files[0].Name, sources.ErrNoVintage)
	}
	rel.Vintage = "awards-to-" + latest.Format(time.DateOnly)
	return nil
}

// pgRow is one award.
type pgRow struct {
	cells  []string
	amount float64
	date   time.Time
}

// Load reads every award into raw.ace_project_grants.
func (ProjectGrants) Load(ctx context.Context, ld *sources.Loader) error {
	f, err := ld.File("")
	if err != nil {
		return err
	}
	w, err := ld.Writer(ctx, funding.ProjectGrantsTable.Name)
	if err != nil {
		return err
	}
	return readProjectGrants(ctx, f.Path, f.Filename, ld.Note, func(file, sheet string, row int, g pgRow) error {
		c := g.cells
		return w.Append(file, sheet, row, c[0], nullIfEmpty(c[1]), g.amount, g.date, nullIfEmpty(c[4]), nullIfEmpty(c[5]),
			nullIfEmpty(c[6]), nullIfEmpty(c[7]), nullIfEmpty(c[8]), nullIfEmpty(c[9]), nullIfEmpty(c[10]))
	})
}

// pgHeaders are the columns in raw table order; the amount (2) and date (3) are parsed.
var pgHeaders = []string{pgRecipient, pgActivity, pgAmount, pgDate, pgMonth, pgQuarter, pgArea, pgLA, pgDiscip, pgStrand, pgPriority}

// readProjectGrants finds the awards header (below the title rows, on the sheet that has it) and
// calls fn for every award. Blank rows and the empty trailing column are skipped; an award without
// a recipient, amount or date, or with one that does not parse, is an error naming the cell.
// Optional columns missing in a way that looks like a mistake (sources.MissingOptional) are passed
// to note (when not nil).
func readProjectGrants(ctx context.Context, filePath, file string, note func(...string), fn func(file, sheet string, row int, g pgRow) error) error {
	wb, err := sheets.Open(filePath)
	if err != nil {
		return err
	}
	defer wb.Close()
	var closest error
	for _, sheet := range wb.Sheets() {
		rows, err := wb.Rows(sheet)
		if err != nil {
			return err
		}
		_, header, err := sheets.FindHeader(rows, 20, pgRecipient, pgAmount, pgDate, pgLA)
		if err != nil {
			rows.Close()
			if errors.Is(err, sheets.ErrHeaderNotFound) {
				closest = sources.CloserHeader(closest, err)
				continue
			}
			return err
		}
		err = readPGRows(ctx, rows, file, sheet, header, note, fn)
		rows.Close()
		return err
	}
	if closest == nil {
		return &sources.LayoutError{File: file, Expected: pgRecipient, Detail: "the workbook has no sheets"}
	}
	return sources.HeaderLayoutError(file, closest)
}

func readPGRows(ctx context.Context, rows sheets.Rows, file, sheet string, header []sheets.Cell, note func(...string), fn func(string, string, int, pgRow) error) error {
	cols, err := sources.MatchColumns(file, sheet, header, []string{pgRecipient, pgAmount, pgDate, pgLA},
		[]string{pgActivity, pgMonth, pgQuarter, pgArea, pgDiscip, pgStrand, pgPriority})
	if err != nil {
		return err
	}
	if note != nil {
		note(sources.MissingOptional(file, sheet, header, cols)...)
	}
	g := pgRow{cells: make([]string, len(pgHeaders))}
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		row := rows.Row()
		blank := true
		for i, h := range pgHeaders {
			g.cells[i] = cols.Text(row, h)
			if g.cells[i] != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		cellErr := func(h, v string, e error) error {
			return &sheets.CellError{File: file, Sheet: sheet, Row: rows.Number(), Col: cols.Index(h), Value: v, Err: e}
		}
		if g.cells[0] == "" {
			return cellErr(pgRecipient, "", errors.New("an award without a recipient"))
		}
		n, err := values.Parse(g.cells[2])
		if err != nil {
			return cellErr(pgAmount, g.cells[2], err)
		}
		if !n.Valid || n.Reason == "percent" {
			return cellErr(pgAmount, g.cells[2], errors.New("an award needs an amount in pounds"))
		}
		g.amount = n.Value
		d, err := pgParseDate(g.cells[3])
		if err != nil {
			return cellErr(pgDate, g.cells[3], err)
		}
		g.date = d
		if err := fn(file, sheet, rows.Number(), g); err != nil {
			return err
		}
	}
	return rows.Err()
}

// pgParseDate reads "2024-04-02 00:00:00" (the CSV export), "2024-04-02" or "2024-04-02T00:00:00"
// (a date cell) and "02/04/2024" (day first).
func pgParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, errors.New("an award needs a date")
	}
	if len(s) >= 10 {
		if d, err := time.Parse(time.DateOnly, s[:10]); err == nil {
			rest := s[10:]
			if rest == "" || rest[0] == ' ' || rest[0] == 'T' {
				return d, nil
			}
		}
	}
	if m := pgDMYRe.FindStringSubmatch(s); m != nil {
		if d, err := time.Parse("2/1/2006", m[1]+"/"+m[2]+"/"+m[3]); err == nil {
			return d, nil
		}
	}
	return time.Time{}, errors.New("not a date (want YYYY-MM-DD, YYYY-MM-DD 00:00:00 or DD/MM/YYYY)")
}
