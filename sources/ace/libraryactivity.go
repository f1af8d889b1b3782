package ace

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
	"github.com/cornerstone-data/cornerstone/sources/values"
)

func init() { sources.Register(LibraryActivity{}) }

// LibraryActivity is the ace-library-activity source: Arts Council England's Libraries Activity
// Data, one workbook per financial year with a row per library service and a column per measure,
// month and age group (2023-24: 129 services x 504 columns). Load reshapes it to long form; blank
// cells are not reported and give no row (never zero).
type LibraryActivity struct{}

// LibrariesPage is ACE's page for library data, which links the activity workbooks and the
// library location dataset (directly or through a data sub-page).
const LibrariesPage = Homepage + "/supporting-arts-museums-and-libraries/supporting-libraries"

// LibraryActivityDataset is the dataset name of the annual activity workbooks.
const LibraryActivityDataset = "libraries-activity-data"

// LibraryActivityTable is raw.ace_library_activity: one row per service, column and reported
// (non-blank) cell, with the column header as published.
var LibraryActivityTable = warehouse.Table{Schema: "raw", Name: "ace_library_activity",
	Doc: "ACE Libraries Activity Data, long form: one row per library service and non-blank numeric cell", Columns: []warehouse.Column{
		{Name: "library_service", Type: "VARCHAR", Doc: "the service's own name (Library Details)"},
		{Name: "authority_name", Type: "VARCHAR", Doc: "Library Authority (Upper Tier Local Authority) as published"},
		{Name: "financial_year", Type: "VARCHAR", Doc: "2023-24"},
		{Name: "header", Type: "VARCHAR", Doc: "the column header as published"},
		{Name: "measure", Type: "VARCHAR", Doc: "active_members, events, event_attendees, loans, visits, additional_lending, pc_hours, wifi_sessions, pcs_devices_in_service, devices_for_loan, device_loan_issues"},
		{Name: "format", Type: "VARCHAR", Doc: "physical, digital, physical book, physical audiobook, ebook, eaudiobook, library-only sites, co-located sites, click and collect, mobile library, home delivery, or all"},
		{Name: "age_band", Type: "VARCHAR", Doc: "total, under 12, 12-17, 18+, all ages (events aimed at every age)"},
		{Name: "period_type", Type: "VARCHAR", Doc: "month (as entered: quarterly figures sit in the quarter's last month), year, or point (a date)"},
		{Name: "period_label", Type: "VARCHAR", Doc: "the period as the header writes it: Sept 2023, 31/03, or the financial year"},
		{Name: "period_start", Type: "DATE"},
		{Name: "period_end", Type: "DATE", Doc: "inclusive"},
		{Name: "value", Type: "DOUBLE"},
	}}

// LibraryActivityTextTable is raw.ace_library_activity_text: the free-text and yes/no answers.
var LibraryActivityTextTable = warehouse.Table{Schema: "raw", Name: "ace_library_activity_text",
	Doc: "ACE Libraries Activity Data: free-text and yes/no answers (Ebook & Eaudio Data Collection, Please tell us why…)", Columns: []warehouse.Column{
		{Name: "library_service", Type: "VARCHAR"},
		{Name: "authority_name", Type: "VARCHAR"},
		{Name: "financial_year", Type: "VARCHAR"},
		{Name: "question", Type: "VARCHAR", Doc: "the column header as published"},
		{Name: "answer", Type: "VARCHAR"},
	}}

// Info describes the source.
func (LibraryActivity) Info() sources.Info {
	return sources.Info{
		ID:        "ace-library-activity",
		Title:     "Libraries Activity Data (active members, events, loans, visits, PC and wifi use)",
		Publisher: "Arts Council England",
		Licence:   Licence,
		Homepage:  LibrariesPage,
		Tables:    []warehouse.Table{LibraryActivityTable, LibraryActivityTextTable},
		Cadence: sources.Cadence{Every: "annual", Months: []time.Month{time.December, time.January}, Grace: 120 * 24 * time.Hour,
			Note: "one workbook per financial year, published in the winter after the year ends [GUESS from the 2023-24 release]"},
		Schedule: "0 5 * * 1",
	}
}

var (
	activityLinkRe = regexp.MustCompile(`(?i)libraries?[ _%20-]*activity[ _%20-]*data.*\.(xlsx|ods|csv)$`)
	fyRe           = regexp.MustCompile(`(20\d\d)[-_ /](?:20)?(\d\d)\b`)
)

// Discover reads ACE's libraries page (and its data sub-pages) for links to Libraries Activity
// Data workbooks; the financial year comes from the link text or file name (the official-statistic
// release, covering several years in one workbook, is identified from its sheets on load).
func (LibraryActivity) Discover(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	links, err := libraryDataLinks(ctx, env, func(l pageLink) bool { return activityLinkRe.MatchString(l.FileName()) })
	if err != nil {
		return nil, err
	}
	var out []sources.Release
	for _, l := range links {
		rel := sources.Release{Dataset: LibraryActivityDataset, Title: l.Title(), PageURL: l.Page,
			Assets: []sources.Asset{{URL: l.URL, Name: l.FileName(), Kind: kindOf(l.FileName())}}}
		if fy := financialYear(l.Text + " " + l.FileName()); fy != "" {
			rel.Vintage = fy
		}
		out = append(out, rel)
	}
	sortReleases(out)
	return out, nil
}

// Identify reads the financial year from the file name, or else from the month headers.
func (LibraryActivity) Identify(ctx context.Context, rel *sources.Release, files []sources.Fetched) error {
	if rel.Dataset == "" {
		rel.Dataset = LibraryActivityDataset
	}
	if rel.Vintage == "" {
		rel.Vintage = financialYear(files[0].Name)
	}
	if rel.Vintage == "" {
		wb, err := sheets.Open(files[0].Path)
		if err != nil {
			return err
		}
		defer wb.Close()
		fy, err := readActivity(ctx, wb, files[0].Name, nil)
		if err != nil {
			return err
		}
		rel.Vintage = fy
	}
	if rel.Vintage == "" {
		return fmt.Errorf("%s: neither the file name nor the month headers say the financial year: %w", files[0].Name, sources.ErrNoVintage)
	}
	if rel.Title == "" {
		rel.Title = "Libraries Activity Data " + rel.Vintage
	}
	return nil
}

// Load reshapes the activity sheet into raw.ace_library_activity.
func (LibraryActivity) Load(ctx context.Context, ld *sources.Loader) error {
	f, err := ld.File("")
	if err != nil {
		return err
	}
	wb, err := sheets.Open(f.Path)
	if err != nil {
		return err
	}
	defer wb.Close()
	num, err := ld.Writer(ctx, LibraryActivityTable.Name)
	if err != nil {
		return err
	}
	text, err := ld.Writer(ctx, LibraryActivityTextTable.Name)
	if err != nil {
		return err
	}
	_, err = readActivity(ctx, wb, f.Filename, func(r activityRecord) error {
		if r.text {
			return text.Append(f.Filename, r.sheet, r.row, r.service, r.authority, r.fy, r.col.header, r.answer)
		}
		c := r.col
		return num.Append(f.Filename, r.sheet, r.row, r.service, r.authority, r.fy, c.header, c.measure, c.format, c.age,
			c.periodType, c.periodLabel, c.start, c.end, r.value)
	})
	return err
}

// Identity and text headers of the published-label layout (2023-24).
const (
	hdrService   = "Library Details"
	hdrAuthority = "Library Authority (Upper Tier Local Authority)"
	hdrMembers   = "Total Active Members"
)

// activitySeries maps a published label (the header before " - <Month> <Year>") to its measure,
// format and age band. Labels are matched exactly after sheets.NormalizeHeader.
var activitySeries = map[string][3]string{
	"Total Number Of Physical Events":                                  {"events", "physical", "total"},
	"Physical Events Adults Age 18":                                    {"events", "physical", "18+"},
	"Physical Events Children 11 And Under":                            {"events", "physical", "under 12"},
	"Physical Events Young People Between 12 And 17":                   {"events", "physical", "12-17"},
	"Physical Events All Age Groups":                                   {"events", "physical", "all ages"},
	"Total Number Of Digital Events":                                   {"events", "digital", "total"},
	"Digital Events Adults Age 18":                                     {"events", "digital", "18+"},
	"Digital Events Children 11 And Under":                             {"events", "digital", "under 12"},
	"Digital Events Young People Between 12 And 17":                    {"events", "digital", "12-17"},
	"Digital Events All Age Groups":                                    {"events", "digital", "all ages"},
	"Total Attendees At Physical Events":                               {"event_attendees", "physical", "total"},
	"Physical Attendees Adults":                                        {"event_attendees", "physical", "18+"},
	"Physical Attendees Children 11 And Under":                         {"event_attendees", "physical", "under 12"},
	"Physical Attendees Young People Between 12 And 17":                {"event_attendees", "physical", "12-17"},
	"Total Attendees At Digital Events":                                {"event_attendees", "digital", "total"},
	"Digital Attendees Adults":                                         {"event_attendees", "digital", "18+"},
	"Digital Attendees Children 11 And Under":                          {"event_attendees", "digital", "under 12"},
	"Digital Attendees Young People Between 12 And 17":                 {"event_attendees", "digital", "12-17"},
	"Total Number Of Physical Book Issues":                             {"loans", "physical book", "total"},
	"Loans And Lending Adult 18":                                       {"loans", "physical book", "18+"},
	"Loans And Lending Children Under 12":                              {"loans", "physical book", "under 12"},
	"Loans And Lending Young People Under 12 17":                       {"loans", "physical book", "12-17"},
	"Total Number Of Physical Audio Book Issues":                       {"loans", "physical audiobook", "total"},
	"Total Number Of Ebooks Issues":                                    {"loans", "ebook", "total"},
	"Ebooks Adult 18":                                                  {"loans", "ebook", "18+"},
	"Ebooks Children Under 12":                                         {"loans", "ebook", "under 12"},
	"Ebooks Young People Under 12 17":                                  {"loans", "ebook", "12-17"},
	"Total Number Of Digital Audio Book Issues":                        {"loans", "eaudiobook", "total"},
	"Digital Audio Book Issues Adult 18":                               {"loans", "eaudiobook", "18+"},
	"Digital Audio Book Issues Children Under 12":                      {"loans", "eaudiobook", "under 12"},
	"Digital Audio Book Issues Young People Under 12 17":               {"loans", "eaudiobook", "12-17"},
	"Physical Visitors To Library Sites Where There Is No Co Location": {"visits", "library-only sites", "total"},
	"Physical Visitors Co Location":                                    {"visits", "co-located sites", "total"},
	"Click And Collect":                                                {"additional_lending", "click and collect", "total"},
	"Mobile Libraries":                                                 {"additional_lending", "mobile library", "total"},
	"Home Delivery":                                                    {"additional_lending", "home delivery", "total"},
	"Number Of Hours Physical Public Pcs Library Issues Devices":       {"pc_hours", "all", "total"},
	"Number Of Sessions Of Wifi Access":                                {"wifi_sessions", "all", "total"},
}

// activityDigitalSuffix: the 2023-24 workbook repeats the physical-book age headers with
// "_digital" appended (" - April 2023_digital") for the physical audiobook age breakdown that
// follows "Total Number Of Physical Audio Book Issues" (the suffix only de-duplicates the names).
var activityDigitalSuffix = map[string][3]string{
	"Loans And Lending Adult 18":                 {"loans", "physical audiobook", "18+"},
	"Loans And Lending Children Under 12":        {"loans", "physical audiobook", "under 12"},
	"Loans And Lending Young People Under 12 17": {"loans", "physical audiobook", "12-17"},
}

// activityYear are the columns covering the whole financial year.
var activityYear = map[string][3]string{
	hdrMembers:                        {"active_members", "all", "total"},
	"Active Members - Children (≤11)": {"active_members", "all", "under 12"},
	"Active Members - Adults (18+)":   {"active_members", "all", "18+"},
	"Active Members - Teens (12-17)":  {"active_members", "all", "12-17"},
}

// activityPoint are the columns holding a count on a date "(DD/MM)" in the year's last months.
var activityPoint = map[string][3]string{
	"Pcs & Devices In Service": {"pcs_devices_in_service", "all", "total"},
	"Devices Loan":             {"devices_for_loan", "all", "total"},
	"Device Loan Issues":       {"device_loan_issues", "all", "total"},
}

var (
	monthHeaderRe = regexp.MustCompile(`^(.+) - ([A-Za-z]+)\.? (\d{4})(_digital)?$`)
	pointHeaderRe = regexp.MustCompile(`^(.+) \((\d{1,2})/(\d{1,2})\)$`)
	textHeaders   = map[string]bool{"Ebook & Eaudio Data Collection": true}
	textPrefix    = "Please Tell Us Why"
)

// activityCol is how one column of the sheet is read.
type activityCol struct {
	idx                               int
	header                            string
	measure, format, age              string
	periodType, periodLabel           string
	month, year, pointDay, pointMonth int // month columns: calendar month and year; point columns: day and month
	start, end                        time.Time
	text                              bool
}

// activityRecord is one cell to write.
type activityRecord struct {
	sheet              string
	row                int
	service, authority string
	fy                 string
	col                *activityCol
	value              float64
	text               bool
	answer             string
}

// ErrQuestionCodes means a workbook is in the official-statistic layout (survey question codes
// such as Q7_1_1 as headers), which this reader does not map yet.
var ErrQuestionCodes = errors.New("question-code layout (official statistic release) is not mapped yet")

// readActivity finds the sheet holding the activity table, classifies every column, and calls emit
// (when not nil) for every reported cell. It returns the financial year the month headers cover.
func readActivity(ctx context.Context, wb sheets.Workbook, file string, emit func(activityRecord) error) (string, error) {
	for _, sheet := range wb.Sheets() {
		fy, found, err := readActivitySheet(ctx, wb, sheet, file, emit)
		if err != nil || found {
			return fy, err
		}
	}
	return "", &sources.LayoutError{File: file, Expected: hdrAuthority, Nearest: wb.Sheets(),
		Detail: "no sheet has the Libraries Activity Data header row (sheets listed as nearest)"}
}

func readActivitySheet(ctx context.Context, wb sheets.Workbook, sheet, file string, emit func(activityRecord) error) (fy string, found bool, err error) {
	rows, err := wb.Rows(sheet)
	if err != nil {
		return "", false, err
	}
	defer rows.Close()
	var header []sheets.Cell
	for i := 0; i < 15 && rows.Next(); i++ {
		r := rows.Row()
		for _, c := range r {
			switch sheets.NormalizeHeader(c.Value) {
			case hdrAuthority:
				header = append([]sheets.Cell{}, r...)
			case "Q1":
				if len(r) > 20 {
					return "", true, &sources.LayoutError{File: file, Sheet: sheet, Expected: hdrAuthority,
						Nearest: []string{"Q1"}, Detail: ErrQuestionCodes.Error()}
				}
			}
		}
		if header != nil {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return "", false, err
	}
	if header == nil {
		return "", false, nil
	}
	cols, err := sources.MatchColumns(file, sheet, header, []string{hdrService, hdrAuthority, hdrMembers}, nil)
	if err != nil {
		return "", true, err
	}
	classified, fy, err := classifyActivity(file, sheet, header, cols)
	if err != nil {
		return "", true, err
	}
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return fy, true, err
		}
		r := rows.Row()
		service, authority := cellText(r, cols[hdrService]), cellText(r, cols[hdrAuthority])
		if isBlank(authority) && isBlank(service) {
			continue
		}
		if isBlank(authority) {
			return fy, true, &sheets.CellError{File: file, Sheet: sheet, Row: rows.Number(), Col: cols[hdrAuthority], Value: authority,
				Err: errors.New("the library service has no library authority name")}
		}
		for i := range classified {
			c := &classified[i]
			raw := cellText(r, c.idx)
			if isBlank(raw) {
				continue
			}
			rec := activityRecord{sheet: sheet, row: rows.Number(), service: service, authority: authority, fy: fy, col: c}
			if c.text {
				rec.text, rec.answer = true, raw
			} else {
				n, err := values.Parse(raw)
				if err != nil {
					return fy, true, &sheets.CellError{File: file, Sheet: sheet, Row: rows.Number(), Col: c.idx, Value: raw, Err: err}
				}
				if !n.Valid {
					continue // a marker: not reported
				}
				if n.Value < 0 {
					return fy, true, &sheets.CellError{File: file, Sheet: sheet, Row: rows.Number(), Col: c.idx, Value: raw,
						Err: errors.New("a count cannot be negative")}
				}
				rec.value = n.Value
			}
			if emit != nil {
				if err := emit(rec); err != nil {
					return fy, true, err
				}
			}
		}
	}
	return fy, true, rows.Err()
}

// classifyActivity reads every header: identity, year, month, point-in-time or text columns. An
// unknown header is a *sources.LayoutError (a new or renamed measure must be mapped, not
// guessed). The financial year is the one the month headers cover; they must agree.
func classifyActivity(file, sheet string, header []sheets.Cell, cols sources.Columns) ([]activityCol, string, error) {
	var out []activityCol
	fyStart := 0
	layout := func(h, detail string) error {
		return &sources.LayoutError{File: file, Sheet: sheet, Expected: "a known Libraries Activity Data column", Nearest: []string{h}, Detail: detail}
	}
	for i, cell := range header {
		h := sheets.NormalizeHeader(cell.Value)
		if h == "" || i == cols[hdrService] || i == cols[hdrAuthority] {
			continue
		}
		c := activityCol{idx: i, header: h}
		if s, ok := activityYear[h]; ok {
			c.measure, c.format, c.age, c.periodType = s[0], s[1], s[2], "year"
			out = append(out, c)
			continue
		}
		if textHeaders[h] || strings.HasPrefix(h, textPrefix) {
			c.text = true
			out = append(out, c)
			continue
		}
		if m := pointHeaderRe.FindStringSubmatch(h); m != nil {
			s, ok := activityPoint[m[1]]
			if !ok {
				return nil, "", layout(h, "unrecognised point-in-time column")
			}
			c.measure, c.format, c.age, c.periodType, c.periodLabel = s[0], s[1], s[2], "point", m[2]+"/"+m[3]
			c.pointDay, _ = strconv.Atoi(m[2])
			c.pointMonth, _ = strconv.Atoi(m[3])
			if c.pointMonth < 1 || c.pointMonth > 12 || c.pointDay < 1 || c.pointDay > 31 {
				return nil, "", layout(h, "not a day/month date")
			}
			out = append(out, c)
			continue
		}
		m := monthHeaderRe.FindStringSubmatch(h)
		if m == nil {
			return nil, "", layout(h, "unrecognised column: neither a yearly, monthly (<label> - <Month> <Year>) nor a point-in-time (DD/MM) column")
		}
		table := activitySeries
		if m[4] != "" {
			table = activityDigitalSuffix
		}
		s, ok := table[m[1]]
		if !ok {
			return nil, "", layout(h, fmt.Sprintf("unrecognised measure %q", m[1]))
		}
		month, ok := parseMonth(m[2])
		if !ok {
			return nil, "", layout(h, fmt.Sprintf("unrecognised month %q", m[2]))
		}
		year, _ := strconv.Atoi(m[3])
		start := year
		if month < time.April {
			start--
		}
		if fyStart == 0 {
			fyStart = start
		} else if start != fyStart {
			return nil, "", layout(h, fmt.Sprintf("month outside the financial year %d-%02d of the earlier columns", fyStart, (fyStart+1)%100))
		}
		c.measure, c.format, c.age, c.periodType = s[0], s[1], s[2], "month"
		c.periodLabel = m[2] + " " + m[3]
		c.start = time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
		c.end = c.start.AddDate(0, 1, -1)
		out = append(out, c)
	}
	if fyStart == 0 {
		return nil, "", &sources.LayoutError{File: file, Sheet: sheet, Expected: "Total Number Of Physical Events - April YYYY",
			Detail: "no monthly column says which financial year the sheet covers"}
	}
	fy := fmt.Sprintf("%d-%02d", fyStart, (fyStart+1)%100)
	for i := range out {
		c := &out[i]
		switch c.periodType {
		case "year":
			c.periodLabel = fy
			c.start = time.Date(fyStart, time.April, 1, 0, 0, 0, 0, time.UTC)
			c.end = time.Date(fyStart+1, time.March, 31, 0, 0, 0, 0, time.UTC)
		case "point":
			y := fyStart
			if c.pointMonth < 4 {
				y++
			}
			c.start = time.Date(y, time.Month(c.pointMonth), c.pointDay, 0, 0, 0, 0, time.UTC)
			if c.start.Day() != c.pointDay {
				return nil, "", layout(c.header, "not a calendar date")
			}
			c.end = c.start
		}
	}
	return out, fy, nil
}

// parseMonth reads month names as ACE writes them: "April", "Sept", "Oct", "March".
func parseMonth(s string) (time.Month, bool) {
	s = strings.ToLower(s)
	if len(s) < 3 {
		return 0, false
	}
	for m := time.January; m <= time.December; m++ {
		full := strings.ToLower(m.String())
		if strings.HasPrefix(full, s) {
			return m, true
		}
	}
	return 0, false
}

// financialYear finds "2023-24", "2023_24" or "2023-2024" in a text and returns "2023-24".
func financialYear(s string) string {
	for _, m := range fyRe.FindAllStringSubmatch(s, -1) {
		y, _ := strconv.Atoi(m[1])
		if yy, _ := strconv.Atoi(m[2]); yy == (y+1)%100 {
			return fmt.Sprintf("%d-%02d", y, yy)
		}
	}
	return ""
}

func cellText(r []sheets.Cell, i int) string {
	if i < 0 || i >= len(r) {
		return ""
	}
	return strings.TrimSpace(r[i].Value)
}

// isBlank: an empty cell, or "nan" (a pandas export of an empty cell, seen in the 2023-24 file).
func isBlank(s string) bool { return s == "" || strings.EqualFold(s, "nan") }
