package ace

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
	"github.com/cornerstone-data/cornerstone/sources/funding"
	"github.com/cornerstone-data/cornerstone/sources/values"
)

func init() { sources.Register(InvestmentProgramme{}) }

// InvestmentProgramme is the ace-investment-programme source: the Investment Programme data
// (National Portfolio Organisations and Investment Principles Support Organisations), one row per
// organisation with its annual funding, discipline, area, local authority and place flags. It
// reads the published xlsx and the same table saved as CSV, in either export style (numbers, or
// text such as "£217,000").
type InvestmentProgramme struct{}

// InvestmentPage is the data page discovery reads for its file links.
const InvestmentPage = Homepage + "/how-we-invest-public-money/2023-26-Investment-Programme/2023-26-investment-programme-data"

// Investment Programme headers (compared after sheets.NormalizeHeader).
const (
	ipName       = "Applicant Name"
	ipNYMO       = "National Youth Music Organisation"
	ipAvg1822    = "2018-22 Average Annual Funding (Figure accurate at April 2018)"
	ipExt2223    = "2022/23 Annual Funding (Extension year)"
	ipDiscipline = "Main Discipline"
	ipArea       = "ACE Area"
	ipRegion     = "ONS region"
	ipConst      = "Constituency"
	ipLA         = "Local authority"
	ipLUCP       = "Levelling Up For Culture Place"
	ipPriority   = "Priority Place"
	ipComments   = "Comments"
)

var (
	// ipTypeHeaderRe matches "Type of organisation\n(NPO/IPSO/Transfer)" once normalised.
	ipTypeHeaderRe = regexp.MustCompile(`^Type of organisation( \(.*\))?$`)
	// ipOfferHeaderRe matches "2023-26 Annual Funding (Offered 4 Nov 2022)".
	ipOfferHeaderRe = regexp.MustCompile(`^(\d{4})-(\d{2}) Annual Funding(?: \(Offered (\d{1,2} [A-Za-z]+ \d{4})\))?$`)
	ipTypeRe        = regexp.MustCompile(`^(NPO|IPSO)( \(Transfer\))?$`)
	ipLinkRe        = regexp.MustCompile(`(?is)<a\s[^>]*href\s*=\s*["']([^"']*/media/[^"']+)["'][^>]*>(.*?)</a>`)
	ipTagRe         = regexp.MustCompile(`<[^>]+>`)
	ipPeriodSlugRe  = regexp.MustCompile(`(\d{4})-(\d{2})`)
)

// ipLayout is where the Investment Programme columns are in a header row.
type ipLayout struct {
	cols       sources.Columns
	typeCol    int
	offerCol   int
	period     string // "2023-26"
	offerDate  *time.Time
	startYear  int
	headerText string
	notes      []string // sources.MissingOptional's warnings
}

// Info describes the source.
func (InvestmentProgramme) Info() sources.Info {
	return sources.Info{
		ID:        "ace-investment-programme",
		Title:     "Arts Council England Investment Programme (NPOs and IPSOs)",
		Publisher: "Arts Council England",
		Licence:   Licence,
		Homepage:  InvestmentPage,
		Tables:    []warehouse.Table{funding.InvestmentProgrammeTable},
		Family:    funding.Family,
		Cadence: sources.Cadence{Every: "irregular", Months: []time.Month{time.November}, Grace: 3 * 365 * 24 * time.Hour,
			Note: "a new programme every three to four years (offers announced in November); the data file is corrected in between"},
		Schedule: "0 6 * * 1",
	}
}

// Discover reads the data page and returns its first /media/ link, which is the data xlsx (ACE has
// no API). The vintage is left to Identify (the file's Last-Modified date, else its offer date).
func (InvestmentProgramme) Discover(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	links, err := aceMediaLinks(ctx, env.Fetch, InvestmentPage)
	if err != nil {
		return nil, err
	}
	l := links[0]
	period := "2023-26"
	if m := ipPeriodSlugRe.FindStringSubmatch(InvestmentPage); m != nil {
		period = m[1] + "-" + m[2]
	}
	return []sources.Release{{
		Dataset: "investment-programme-" + period,
		Title:   "Arts Council England " + period + " Investment Programme data: " + l.Text,
		PageURL: InvestmentPage,
		Assets:  []sources.Asset{{URL: l.URL, Name: period + "-investment-programme-data.xlsx", Kind: fetch.KindXLSX}},
	}}, nil
}

// aceLink is a file link on an ACE page.
type aceLink struct{ URL, Text string }

// aceMediaLinks returns the page's links to /media/ files in page order, resolved against the
// page's URL. No link is an error naming the page.
func aceMediaLinks(ctx context.Context, fc *fetch.Client, page string) ([]aceLink, error) {
	body, final, err := fc.GetPage(ctx, page)
	if err != nil {
		return nil, err
	}
	base, err := url.Parse(final)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", page, err)
	}
	var out []aceLink
	seen := map[string]bool{}
	for _, m := range ipLinkRe.FindAllSubmatch(body, -1) {
		ref, err := url.Parse(html.UnescapeString(string(m[1])))
		if err != nil {
			continue
		}
		u := base.ResolveReference(ref).String()
		if seen[u] {
			continue
		}
		seen[u] = true
		text := strings.Join(strings.Fields(html.UnescapeString(ipTagRe.ReplaceAllString(string(m[2]), " "))), " ")
		out = append(out, aceLink{URL: u, Text: text})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("reading %s: no link matching href=\"/media/…\": %w", page, sources.ErrNothingPublished)
	}
	return out, nil
}

// Identify names the release: dataset investment-programme-<period> from the offer column, vintage
// the file's Last-Modified date when it was downloaded, else the offer date in the header
// ("(Offered 4 Nov 2022)" gives 2022-11-04).
func (InvestmentProgramme) Identify(ctx context.Context, rel *sources.Release, files []sources.Fetched) error {
	wb, err := sheets.Open(files[0].Path)
	if err != nil {
		return err
	}
	defer wb.Close()
	_, _, lay, err := findIPHeader(wb, files[0].Name)
	if err != nil {
		return err
	}
	if rel.Dataset == "" {
		rel.Dataset = "investment-programme-" + lay.period
	}
	if rel.Title == "" {
		rel.Title = "Arts Council England " + lay.period + " Investment Programme data"
	}
	if rel.Vintage != "" {
		return nil
	}
	if r := files[0].Result; r != nil {
		if lm, err := time.Parse(time.RFC1123, r.LastModified); err == nil {
			rel.Vintage = lm.UTC().Format(time.DateOnly)
			return nil
		}
		rel.Vintage = r.RetrievedAt.UTC().Format(time.DateOnly)
		return nil
	}
	if lay.offerDate != nil {
		rel.Vintage = lay.offerDate.Format(time.DateOnly)
		return nil
	}
	return fmt.Errorf("%s: the offer column has no date and the file was not downloaded: %w", files[0].Name, sources.ErrNoVintage)
}

// findIPHeader finds the sheet and row holding the Investment Programme header (the xlsx names its
// sheet "data"; a CSV has one sheet) and returns its layout.
func findIPHeader(wb sheets.Workbook, file string) (sheet string, rows sheets.Rows, lay ipLayout, err error) {
	var closest error
	for _, sh := range wb.Sheets() {
		r, err := wb.Rows(sh)
		if err != nil {
			return "", nil, ipLayout{}, err
		}
		_, header, err := sheets.FindHeader(r, 20, ipName, ipLA)
		if err != nil {
			r.Close()
			if errors.Is(err, sheets.ErrHeaderNotFound) {
				closest = sources.CloserHeader(closest, err)
				continue
			}
			return "", nil, ipLayout{}, err
		}
		lay, err := ipColumns(file, sh, header)
		if err != nil {
			r.Close()
			return "", nil, ipLayout{}, err
		}
		return sh, r, lay, nil
	}
	if closest == nil {
		return "", nil, ipLayout{}, &sources.LayoutError{File: file, Expected: ipName, Detail: "the workbook has no sheets"}
	}
	return "", nil, ipLayout{}, sources.HeaderLayoutError(file, closest)
}

// ipColumns matches the header row: fixed headers by exact normalised text, the type and offer
// columns by pattern.
func ipColumns(file, sheet string, header []sheets.Cell) (ipLayout, error) {
	cols, err := sources.MatchColumns(file, sheet, header,
		[]string{ipName, ipDiscipline, ipArea, ipLA, ipLUCP, ipPriority},
		[]string{ipNYMO, ipAvg1822, ipExt2223, ipRegion, ipConst, ipComments})
	if err != nil {
		return ipLayout{}, err
	}
	lay := ipLayout{cols: cols, typeCol: -1, offerCol: -1}
	var texts []string
	for i, c := range header {
		h := sheets.NormalizeHeader(c.Value)
		texts = append(texts, h)
		if ipTypeHeaderRe.MatchString(h) && lay.typeCol < 0 {
			lay.typeCol = i
		}
		if m := ipOfferHeaderRe.FindStringSubmatch(h); m != nil && lay.offerCol < 0 {
			lay.offerCol = i
			lay.headerText = h
			lay.startYear, _ = strconv.Atoi(m[1])
			lay.period = m[1] + "-" + m[2]
			if m[3] != "" {
				if d, err := time.Parse("2 Jan 2006", m[3]); err == nil {
					lay.offerDate = &d
				} else if d, err := time.Parse("2 January 2006", m[3]); err == nil {
					lay.offerDate = &d
				}
			}
		}
	}
	if lay.typeCol < 0 {
		return lay, &sources.LayoutError{File: file, Sheet: sheet, Expected: "Type of organisation (NPO/IPSO/Transfer)",
			Nearest: sources.Nearest("Type of organisation (NPO/IPSO/Transfer)", texts, 3)}
	}
	if lay.offerCol < 0 {
		return lay, &sources.LayoutError{File: file, Sheet: sheet, Expected: "2023-26 Annual Funding (Offered 4 Nov 2022)",
			Nearest: sources.Nearest("2023-26 Annual Funding (Offered 4 Nov 2022)", texts, 3),
			Detail:  "want a column named YYYY-YY Annual Funding"}
	}
	cols[texts[lay.typeCol]], cols[lay.headerText] = lay.typeCol, lay.offerCol // matched by pattern
	var expected []string
	if lay.period == "2023-26" { // the 2023-26 data as published (xlsx and CSV export) has these
		expected = []string{ipAvg1822, ipExt2223, ipRegion, ipConst, ipComments}
	}
	lay.notes = sources.MissingOptional(file, sheet, header, cols, expected...)
	return lay, nil
}

// Load reads every organisation row into raw.ace_investment_programme.
func (InvestmentProgramme) Load(ctx context.Context, ld *sources.Loader) error {
	f, err := ld.File("")
	if err != nil {
		return err
	}
	w, err := ld.Writer(ctx, funding.InvestmentProgrammeTable.Name)
	if err != nil {
		return err
	}
	return readInvestmentProgramme(ctx, f.Path, f.Filename, ld.Note, func(sheet string, row int, values ...any) error {
		return w.Append(f.Filename, sheet, row, values...)
	})
}

// readInvestmentProgramme calls fn with the raw table's values for every organisation row. Blank
// rows (the xlsx ends with ten) are skipped; a row with figures but no applicant name, an unknown
// type or flag, or an amount that is not a number is an error naming the cell. Optional columns
// missing in a way that looks like a mistake (sources.MissingOptional) are passed to note (when
// not nil).
func readInvestmentProgramme(ctx context.Context, path, file string, note func(...string), fn func(sheet string, row int, values ...any) error) error {
	wb, err := sheets.Open(path)
	if err != nil {
		return err
	}
	defer wb.Close()
	sheet, rows, lay, err := findIPHeader(wb, file)
	if err != nil {
		return err
	}
	defer rows.Close()
	if note != nil {
		note(lay.notes...)
	}
	cellErr := func(col int, v string, e error) error {
		return &sheets.CellError{File: file, Sheet: sheet, Row: rows.Number(), Col: col, Value: v, Err: e}
	}
	amount := func(row []sheets.Cell, col int) (any, error) {
		if col < 0 || col >= len(row) {
			return nil, nil
		}
		v := strings.TrimSpace(row[col].Value)
		n, err := values.Parse(v)
		if err != nil {
			return nil, cellErr(col, v, err)
		}
		if !n.Valid {
			return nil, nil
		}
		if n.Reason == "percent" || n.Value < 0 {
			return nil, cellErr(col, v, errors.New("not an amount in pounds"))
		}
		return n.Value, nil
	}
	cell := func(row []sheets.Cell, col int) string {
		if col < 0 || col >= len(row) {
			return ""
		}
		return strings.TrimSpace(row[col].Value)
	}
	var offerDate any
	if lay.offerDate != nil {
		offerDate = *lay.offerDate
	}
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		row := rows.Row()
		name := lay.cols.Text(row, ipName)
		if name == "" {
			blank := true
			for _, c := range row {
				if strings.TrimSpace(c.Value) != "" {
					blank = false
				}
			}
			if blank {
				continue
			}
			return cellErr(lay.cols.Index(ipName), "", errors.New("a row with figures but no applicant name"))
		}
		typ := cell(row, lay.typeCol)
		if !ipTypeRe.MatchString(typ) {
			return cellErr(lay.typeCol, typ, errors.New("not NPO, IPSO, NPO (Transfer) or IPSO (Transfer)"))
		}
		if v := lay.cols.Text(row, ipLUCP); v != "LUCP" && v != "Non-LUCP" {
			return cellErr(lay.cols.Index(ipLUCP), v, errors.New("not LUCP or Non-LUCP"))
		}
		if v := lay.cols.Text(row, ipPriority); !strings.EqualFold(v, "Priority place") && !strings.EqualFold(v, "Non-Priority place") {
			return cellErr(lay.cols.Index(ipPriority), v, errors.New("not Priority place or Non-Priority place"))
		}
		avg, err := amount(row, lay.cols.Index(ipAvg1822))
		if err != nil {
			return err
		}
		ext, err := amount(row, lay.cols.Index(ipExt2223))
		if err != nil {
			return err
		}
		offer, err := amount(row, lay.offerCol)
		if err != nil {
			return err
		}
		if err := fn(sheet, rows.Number(),
			name, typ, nullIfEmpty(lay.cols.Text(row, ipNYMO)), avg, ext, lay.period, offerDate, offer,
			lay.cols.Text(row, ipDiscipline), lay.cols.Text(row, ipArea), lay.cols.Text(row, ipRegion),
			lay.cols.Text(row, ipConst), lay.cols.Text(row, ipLA), lay.cols.Text(row, ipLUCP),
			lay.cols.Text(row, ipPriority), nullIfEmpty(lay.cols.Text(row, ipComments))); err != nil {
			return err
		}
	}
	return rows.Err()
}

// nullIfEmpty returns nil for "" so an absent value is NULL, not an empty string.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
