package demo

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets/sheetwrite"
	"github.com/cornerstone-data/cornerstone/internal/sheets/xlswrite"
)

// The MHCLG revenue sample: RO5 per-authority workbooks in each layout they have had (the
// three-sheet .xls of 2013-14, the two-level header of 2017-18 (.xlsx), 2018-19 and 2023-24 (.ods),
// the flat header of 2024-25), a first release and a revision of 2023-24, the multi-year time
// series CSV with its metadata workbook, and RA budget files for 2024-25 and 2025-26, all listed in
// the GOV.UK revenue collection. Header texts are the real ones (../shared/reference), column
// positions follow the real files (2024-25: Library service C3 in column 93; 2018-19: column 84;
// 2013-14: column 51 of sheet (1) with four-column blocks). Cumberland did not submit 2024-25;
// South Oxfordshire's culture and library lines are all zero in 2024-25; the GLA, a fire and rescue
// authority and a national park authority file all-zero returns from 2017-18.

// RevenueCollection is the GOV.UK collection the revenue sources discover from.
const RevenueCollection = "/government/collections/local-authority-revenue-expenditure-and-financing"

// RO5 layouts.
const (
	RO5Flat       = "flat"
	RO5TwoLevel   = "two-level"
	RO5ThreeSheet = "three-sheet"
)

// RO5MeasureHeaders are the measure headers C1 … C9 as the form prints them.
var RO5MeasureHeaders = []string{
	"Employees (C1)", "Running Expenses (C2)", "Total Expenditure (C3 = C1 + C2)",
	"Sales, Fees and Charges (C4)", "Other Income (C5)", "Total Income (C6 = C4 + C5)",
	"Net Current Expenditure (C7 = C3 - C6)", "Capital Charges (C8)", "Net Total Cost (C9 = C7 + C8)",
}

// RO5Service is a service line of the demo workbooks: its published text in the newer (prefixed)
// and older (bare) workbooks, and its Cornerstone line key.
type RO5Service struct {
	Prefixed, Bare, Key string
	Asset               string // time series asset id (synthetic except cultot, cultrs, culspr_frs, envstr)
}

// The RO5 service lines in form order. Open spaces is one line until 2023-24 and two from 2024-25.
var (
	ro5Culture = []RO5Service{
		{"Culture and heritage - Archives", "Archives", "archives", "culhrtarc"},
		{"Culture and heritage - Arts development and support", "Arts development and support", "arts_development", "culhrtart"},
		{"Culture and heritage - Heritage", "Heritage", "heritage", "culhrther"},
		{"Culture and heritage - Museums and galleries", "Museums and galleries", "museums_galleries", "culhrtmus"},
		{"Culture and heritage - Theatres and public entertainment", "Theatres and public entertainment", "theatres", "culhrtthe"},
		{"Recreation and sport - Community centres and public halls", "Community centres and public halls", "community_centres", "culsprcom"},
		{"Recreation and sport - Foreshore", "Foreshore", "foreshore", "culsprfsh"},
		{"Recreation and sport - Sports development and community recreation", "Sports development and community recreation", "sports_development", "culsprdev"},
		{"Recreation and sport - Sports and recreation facilities including golf courses", "Sports and recreation facilities including golf courses", "sports_facilities", "culspr_frs"},
	}
	ro5OpenSpaces      = RO5Service{"Open spaces", "Open spaces", "open_spaces", "culopn"}
	ro5OpenSpacesSplit = []RO5Service{
		{"Open spaces - Parks and open spaces", "", "parks_open_spaces", "culpksopn"},
		{"Open spaces - Allotments", "", "allotments", "culpksall"},
	}
	ro5AfterOpen = []RO5Service{
		{"Tourism", "Tourism", "tourism", "cultrs"},
		{"Library service", "Library service", "library", "cullib"},
	}
	ro5CultureTotal = RO5Service{"TOTAL CULTURAL AND RELATED SERVICES", "TOTAL CULTURAL AND RELATED SERVICES", "total_cultural", "cultot"}
	ro5Environment  = []RO5Service{
		{"Street cleansing (not chargeable to Highways)", "Street cleansing (not chargeable to Highways)", "", "envstr"},
		{"Waste collection", "Waste collection", "", "envcll"},
		{"Waste disposal", "Waste disposal", "", "envdsp"},
		{"Recycling", "Recycling", "", "envrcy"},
	}
	ro5EnvTotal      = RO5Service{"TOTAL ENVIRONMENTAL AND REGULATORY SERVICES", "TOTAL ENVIRONMENTAL AND REGULATORY SERVICES", "total_environmental", "envtot"}
	ro5Planning      = []RO5Service{{"Development control", "Development control", "", "plndev"}}
	ro5PlanningTotal = RO5Service{"TOTAL PLANNING AND DEVELOPMENT SERVICES", "TOTAL PLANNING AND DEVELOPMENT SERVICES", "total_planning", "plntot"}
	ro5GrandTotal    = RO5Service{"TOTAL CULTURAL, ENVIRONMENTAL, REGULATORY AND PLANNING SERVICES", "TOTAL CULTURAL, ENVIRONMENTAL, REGULATORY AND PLANNING SERVICES", "total_all", "ceptot"}
)

// RO5Services returns the service lines of a year's workbook in form order; splitOpenSpaces gives
// the 2024-25 form's two open-space lines.
func RO5Services(splitOpenSpaces bool) []RO5Service {
	out := append([]RO5Service{}, ro5Culture...)
	if splitOpenSpaces {
		out = append(out, ro5OpenSpacesSplit...)
	} else {
		out = append(out, ro5OpenSpaces)
	}
	out = append(out, ro5AfterOpen...)
	out = append(out, ro5CultureTotal)
	out = append(out, ro5Environment...)
	out = append(out, ro5EnvTotal)
	out = append(out, ro5Planning...)
	out = append(out, ro5PlanningTotal, ro5GrandTotal)
	return out
}

// RO5Row is one authority row: identity and, per service text, the cells C1 … (nil: blank).
type RO5Row struct {
	ECode, ONS, Name, Class string
	Cells                   map[string][]any
}

// RO5Book is an RO5 workbook to write.
type RO5Book struct {
	Year     string // "2024-25"
	Layout   string // RO5Flat, RO5TwoLevel or RO5ThreeSheet
	Services []string
	Rows     []RO5Row
	// Repeat lists E-codes whose rows are repeated in a CLASS BREAKDOWN block below the data, as
	// the 2024-25 workbook repeats the GLA.
	Repeat []string
	// Rename replaces a header text (a layout change, for tests).
	Rename map[string]string
}

// Measures returns how many measures the layout publishes (9 for the three-sheet .xls, else 7).
func (b RO5Book) Measures() int {
	if b.Layout == RO5ThreeSheet {
		return 9
	}
	return 7
}

func (b RO5Book) rename(s string) string {
	if r, ok := b.Rename[s]; ok {
		return r
	}
	return s
}

// Sheets lays the workbook out.
func (b RO5Book) Sheets() []sheetwrite.Sheet {
	title := "Revenue outturn cultural, environmental, regulatory and planning services (RO5) " + b.Year
	switch b.Layout {
	case RO5Flat:
		// Title rows, the header in row 7 (0-based 6), data from row 8. Seven identity columns.
		ident := []any{"E-code", "ONS Code", "Local authority", "Class", "Detailed Class", "Region", "Notes"}
		header := append([]any{}, ident...)
		for _, s := range b.Services {
			for _, m := range RO5MeasureHeaders[:7] {
				header = append(header, b.rename(s+" - "+m))
			}
		}
		rows := [][]any{{title}, {Label}, {"£ thousand"}, nil, {"Data as submitted by local authorities"}, nil, header}
		rows = append(rows, b.englandRow(len(ident), 7))
		for _, r := range b.Rows {
			rows = append(rows, b.flatRow(r, []any{r.ECode, r.ONS, r.Name, r.Class, r.Class, "", ""}, 0, 7))
		}
		rows = append(rows, nil, []any{"CLASS BREAKDOWN"})
		for _, r := range b.repeated() {
			rows = append(rows, b.flatRow(r, []any{r.ECode, r.ONS, r.Name, r.Class, r.Class, "", ""}, 0, 7))
		}
		return []sheetwrite.Sheet{{Name: "RO5_LA_Data_" + strings.ReplaceAll(b.Year, "-", ""), Rows: rows}}
	case RO5TwoLevel:
		// Service names in row 5 (0-based 4) over each block's first column, measures in row 7
		// (0-based 6) beside the identity headers at columns 0, 1, 2 and 4; data from row 8.
		ident := []any{"E-code", "ONS Code", "Local authority", "", "Class"}
		svcRow := make([]any, len(ident))
		header := append([]any{}, ident...)
		for _, s := range b.Services {
			svcRow = append(svcRow, b.rename(s))
			svcRow = append(svcRow, make([]any, 6)...)
			for _, m := range RO5MeasureHeaders[:7] {
				header = append(header, b.rename(m))
			}
		}
		rows := [][]any{{title}, {Label}, {"£ thousand"}, nil, svcRow, nil, header}
		rows = append(rows, b.englandRow(len(ident), 7))
		for _, r := range b.Rows {
			rows = append(rows, b.flatRow(r, []any{r.ECode, r.ONS, r.Name, "", r.Class}, 0, 7))
		}
		return []sheetwrite.Sheet{{Name: "RO5_LA_Data_" + b.Year, Rows: rows}}
	}
	// Three sheets holding C1-C3, C4-C6 and C7-C9 in four-column blocks (a blank spacer column
	// after each); service row 11 (0-based 10), measure row 13 (0-based 12), no ONS code.
	var out []sheetwrite.Sheet
	for part := 0; part < 3; part++ {
		ident := []any{"E-code", "Local authority", "Class", "Region", "Notes"}
		svcRow := make([]any, len(ident))
		header := append([]any{}, ident...)
		for _, s := range b.Services {
			svcRow = append(svcRow, b.rename(s), nil, nil, nil)
			for _, m := range RO5MeasureHeaders[part*3 : part*3+3] {
				header = append(header, b.rename(m))
			}
			header = append(header, nil)
		}
		rows := make([][]any, 13)
		rows[0] = []any{title}
		rows[1] = []any{Label}
		rows[2] = []any{"£ thousand"}
		rows[10], rows[12] = svcRow, header
		for _, r := range b.Rows {
			rows = append(rows, b.partRow(r, []any{r.ECode, r.Name, r.Class, "", ""}, part))
		}
		out = append(out, sheetwrite.Sheet{Name: fmt.Sprintf("RO5 LA Data %s (%d)", b.Year, part+1), Rows: rows})
	}
	return out
}

func (b RO5Book) repeated() []RO5Row {
	var out []RO5Row
	for _, e := range b.Repeat {
		for _, r := range b.Rows {
			if r.ECode == e {
				out = append(out, r)
			}
		}
	}
	return out
}

// englandRow is the England total row (no E-code), which readers must leave out.
func (b RO5Book) englandRow(nIdent, nMeasures int) []any {
	row := make([]any, nIdent)
	row[0], row[2] = "", "ENGLAND"
	if b.Layout != RO5ThreeSheet {
		row[1] = "E92000001"
	}
	for range b.Services {
		for i := 0; i < nMeasures; i++ {
			row = append(row, float64(999999))
		}
	}
	return row
}

func (b RO5Book) flatRow(r RO5Row, ident []any, first, n int) []any {
	row := append([]any{}, ident...)
	for _, s := range b.Services {
		cells := r.Cells[s]
		for i := first; i < first+n; i++ {
			if i < len(cells) {
				row = append(row, cells[i])
			} else {
				row = append(row, nil)
			}
		}
	}
	return row
}

func (b RO5Book) partRow(r RO5Row, ident []any, part int) []any {
	row := append([]any{}, ident...)
	for _, s := range b.Services {
		cells := r.Cells[s]
		for i := part * 3; i < part*3+3; i++ {
			if i < len(cells) {
				row = append(row, cells[i])
			} else {
				row = append(row, nil)
			}
		}
		row = append(row, nil)
	}
	return row
}

// Bytes writes the workbook as "ods", "xlsx" or "xls".
func (b RO5Book) Bytes(format string) ([]byte, error) {
	return workbookBytes(format, b.Sheets())
}

// workbookBytes writes sheets in a format, deterministically.
func workbookBytes(format string, sheets []sheetwrite.Sheet) ([]byte, error) {
	switch format {
	case "ods":
		return ODS(sheets...)
	case "xlsx":
		return writeXLSX(sheets)
	case "xls":
		return XLS(sheets...)
	}
	return nil, fmt.Errorf("demo: unknown workbook format %q", format)
}

// XLS writes sheets as a legacy Excel 97-2003 workbook (BIFF8); error cells become BIFF error
// values, ints and floats NUMBER cells.
func XLS(sheets ...sheetwrite.Sheet) ([]byte, error) {
	var book xlswrite.Book
	for _, sh := range sheets {
		xs := xlswrite.Sheet{Name: sh.Name}
		for _, row := range sh.Rows {
			xr := make([]any, len(row))
			for i, v := range row {
				switch v := v.(type) {
				case nil:
				case string:
					if v != "" {
						xr[i] = v
					}
				case int:
					xr[i] = float64(v)
				case float64:
					xr[i] = v
				case sheetwrite.Err:
					xr[i] = xlswrite.Err(v)
				default:
					return nil, fmt.Errorf("demo: XLS cell %T", v)
				}
			}
			xs.Rows = append(xs.Rows, xr)
		}
		book.Sheets = append(book.Sheets, xs)
	}
	return book.Bytes()
}

// demoECodes are E-codes for the unitaries created since 2019, which the register does not carry;
// they are placeholders of the right shape, not the published codes.
var demoECodes = map[string]string{
	"E06000061": "E2841", "E06000062": "E2842", "E06000063": "E0941", "E06000064": "E0942", "E06000065": "E2741",
}

func ecodeOf(a Area) string {
	if a.ECode != "" {
		return a.ECode
	}
	return demoECodes[a.Code]
}

func ro5Class(a Area, fy string) string {
	switch a.Type {
	case "UA":
		return "UA"
	case "NMD":
		return "SD"
	case "MD":
		return "MD"
	case "CTY":
		return "SC"
	case "LBO":
		if fy >= "2024-25" {
			return "LB"
		}
		return "L"
	}
	return "O"
}

// ro5Year is one year of the sample.
type ro5Year struct {
	fy, layout, format, file, slug string
	updated                        time.Time
	split                          bool
	revision                       bool // a later vintage revising some values
}

var ro5Years = []ro5Year{
	{"2013-14", RO5ThreeSheet, "xls", "Revenue_Outturn__RO5__data_2013-14_by_LA.xls", "2013-to-2014-individual-local-authority-data-outturn", time.Date(2015, 1, 28, 9, 30, 0, 0, time.UTC), false, false},
	{"2017-18", RO5TwoLevel, "xlsx", "RO5_2017-18_data_by_LA.xlsx", "2017-to-2018-individual-local-authority-data-outturn", time.Date(2019, 2, 14, 9, 30, 0, 0, time.UTC), false, false},
	{"2018-19", RO5TwoLevel, "ods", "RO5_2018-19_data_by_LA.ods", "2018-to-2019-individual-local-authority-data-outturn", time.Date(2024, 5, 29, 9, 30, 0, 0, time.UTC), false, false},
	{"2023-24", RO5TwoLevel, "ods", "RO5_2023-24_data_by_LA.ods", "2023-to-2024-first-release", time.Date(2024, 12, 5, 9, 30, 0, 0, time.UTC), false, false},
	{"2023-24", RO5TwoLevel, "ods", "RO5_2023-24_data_by_LA.ods", "2023-to-2024-individual-local-authority-data-outturn", time.Date(2025, 11, 27, 9, 30, 0, 0, time.UTC), false, true},
	{"2024-25", RO5Flat, "ods", "RO5_LA_Data_2024-25_data_by_LA.ods", "2024-to-2025-individual-local-authority-data-outturn", time.Date(2025, 12, 4, 9, 30, 0, 0, time.UTC), true, false},
}

const revenueSlugPrefix = "/government/statistics/local-authority-revenue-expenditure-and-financing-england-"

// notSubmitted lists authorities whose return for a year is blank.
var notSubmitted = map[string]bool{"2024-25 E06000063": true}

// noCulture lists districts whose culture, heritage and library lines are all zero in a year, as
// some real districts' are (the county runs those services).
var noCulture = map[string]bool{"2024-25 E07000179": true}

var cultureKeys = map[string]bool{"archives": true, "arts_development": true, "heritage": true, "museums_galleries": true, "theatres": true, "library": true}

// ro5Values returns an authority's synthetic values for a year: per line key, C1 … C9 in £ thousand
// (whole numbers so totals add exactly), consistent with the form's identities. Other
// authorities (class O: the GLA, fire and national park authorities) report zero on every line.
func ro5Values(a Area, fy string, split, revised bool) map[string][9]float64 {
	class := ro5Class(a, fy)
	out := map[string][9]float64{}
	scale := map[string]float64{"UA": 1, "MD": 1.2, "L": 0.8, "LB": 0.8, "SD": 0.3, "SC": 1.5}[class]
	zero := func(key string) bool {
		if noCulture[fy+" "+a.Code] && cultureKeys[key] {
			return true
		}
		switch class {
		case "SD":
			return key == "library" || key == "archives"
		case "SC":
			return key == "community_centres" || key == "foreshore" || key == "parks_open_spaces" || key == "allotments" || key == "open_spaces" ||
				key == "Street cleansing (not chargeable to Highways)" || key == "Waste collection" || key == "Development control"
		}
		return false
	}
	line := func(key string, size float64) [9]float64 {
		var v [9]float64
		if zero(key) {
			return v
		}
		h := func(m string) float64 {
			return math.Round(size * scale * (0.5 + hash01(a.Code, fy, key, m)))
		}
		v[0], v[1], v[3], v[4], v[7] = h("C1"), h("C2"), math.Round(h("C4")/3), math.Round(h("C5")/4), math.Round(h("C8")/5)
		if revised && a.Code == "E08000019" && key == "museums_galleries" {
			v[1] += 120 // the 2023-24 revision corrects Sheffield's museum running costs
		}
		return v
	}
	finish := func(v [9]float64) [9]float64 {
		v[2] = v[0] + v[1]
		v[5] = v[3] + v[4]
		v[6] = v[2] - v[5]
		v[8] = v[6] + v[7]
		return v
	}
	sum := func(keys []string) [9]float64 {
		var t [9]float64
		for _, k := range keys {
			for i := range t {
				t[i] += out[k][i]
			}
		}
		return t
	}
	var culture []string
	for _, s := range RO5Services(split) {
		switch {
		case s.Key == "total_cultural":
			out[s.Key] = sum(culture)
		case s.Key == "total_environmental":
			out[s.Key] = sum([]string{ro5Environment[0].Prefixed, ro5Environment[1].Prefixed, ro5Environment[2].Prefixed, ro5Environment[3].Prefixed})
		case s.Key == "total_planning":
			out[s.Key] = sum([]string{ro5Planning[0].Prefixed})
		case s.Key == "total_all":
			out[s.Key] = sum([]string{"total_cultural", "total_environmental", "total_planning"})
		case s.Key == "":
			out[s.Prefixed] = finish(line(s.Prefixed, 900))
		default:
			size := 400.0
			if s.Key == "library" {
				size = 2500
			}
			out[s.Key] = finish(line(s.Key, size))
			culture = append(culture, s.Key)
		}
	}
	return out
}

// ro5Markers puts publisher markers into a few cells: a suppressed value, an unknown one and an
// ODS error cell, which readers must load as NULL with the reason.
var ro5Markers = map[string]any{
	"2018-19 E06000001 heritage 4":          "..",
	"2023-24 E07000178 theatres 1":          sheetwrite.Err("#N/A"),
	"2024-25 E09000007 foreshore 0":         "[x]",
	"2024-25 E09000007 foreshore 1":         "[x]",
	"2024-25 E09000007 foreshore 2":         "[x]",
	"2024-25 E09000028 heritage 3":          "[c]",
	"2017-18 E07000180 community_centres 4": "-",
}

func areasIn(areas []Area, fy string) []Area {
	date := fy[:4] + "-04-01"
	var out []Area
	for _, a := range areas {
		if a.exists(date) && ecodeOf(a) != "" {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return ecodeOf(out[i]) < ecodeOf(out[j]) })
	return out
}

// ro5Book builds the year's workbook from the synthetic values.
func (g *generator) ro5Book(y ro5Year) RO5Book {
	services := RO5Services(y.split)
	b := RO5Book{Year: y.fy, Layout: y.layout}
	for _, s := range services {
		b.Services = append(b.Services, y.serviceText(s))
	}
	n := b.Measures()
	areas := g.areas
	if y.layout != RO5ThreeSheet {
		// Other authorities appear in every layout with an ONS code column; the 2013-14 .xls
		// (E-codes only) is left without them, as the register cannot place their E-codes.
		areas = append(append([]Area{}, g.areas...), OtherAuthorities...)
	}
	for _, a := range areasIn(areas, y.fy) {
		row := RO5Row{ECode: ecodeOf(a), ONS: a.Code, Name: a.Name, Class: ro5Class(a, y.fy), Cells: map[string][]any{}}
		if !notSubmitted[y.fy+" "+a.Code] {
			vals := ro5Values(a, y.fy, y.split, y.revision)
			for _, s := range services {
				key := s.Key
				if key == "" {
					key = s.Prefixed
				}
				cells := make([]any, n)
				for i := 0; i < n; i++ {
					cells[i] = vals[key][i]
					if m, ok := ro5Markers[fmt.Sprintf("%s %s %s %d", y.fy, a.Code, s.Key, i)]; ok {
						cells[i] = m
					}
				}
				row.Cells[y.serviceText(s)] = cells
			}
		}
		b.Rows = append(b.Rows, row)
	}
	if y.layout == RO5Flat {
		b.Repeat = []string{"E5011"} // Camden repeated in the class breakdown block
	}
	return b
}

// serviceText is the line's text in the year's workbook: prefixed in the flat 2024-25 layout,
// bare in the older ones.
func (y ro5Year) serviceText(s RO5Service) string {
	if y.layout == RO5Flat || s.Bare == "" {
		return s.Prefixed
	}
	return s.Bare
}

func (g *generator) mhclg(s *Sample) error {
	var docs []GovukDocument
	for _, y := range ro5Years {
		body, err := g.ro5Book(y).Bytes(y.format)
		if err != nil {
			return fmt.Errorf("RO5 %s: %w", y.fy, err)
		}
		ct := map[string]string{"ods": ctODS, "xlsx": ctXLSX, "xls": "application/vnd.ms-excel"}[y.format]
		page := revenueSlugPrefix + y.slug
		yy := strings.Replace(y.fy, "-", " to 20", 1)
		title := "Local authority revenue expenditure and financing England: " + yy + " individual local authority data - outturn"
		if strings.HasSuffix(y.slug, "first-release") {
			title = "Local authority revenue expenditure and financing England: " + yy + " first release"
		}
		if err := s.AddGovukPage(page, title, y.updated, []GovukAttachment{
			{Title: "Revenue outturn summary (RS) " + yy, File: strings.Replace(y.file, "RO5", "RS", 1), ContentType: ct, Body: []byte(Label)},
			{Title: "Revenue outturn cultural, environmental, regulatory and planning services (RO5) " + yy, File: y.file, ContentType: ct, Body: body},
		}); err != nil {
			return err
		}
		docs = append(docs, GovukDocument{BasePath: page, Title: title, Updated: y.updated})
	}
	// A national summary page without per-authority files, which discovery passes over.
	summary := revenueSlugPrefix + "2024-to-2025-final-outturn"
	if err := s.AddGovukPage(summary, "Local authority revenue expenditure and financing England: 2024 to 2025 final outturn",
		time.Date(2025, 12, 4, 9, 30, 0, 0, time.UTC), nil); err != nil {
		return err
	}
	docs = append(docs, GovukDocument{BasePath: summary, Title: "2024 to 2025 final outturn", Updated: time.Date(2025, 12, 4, 9, 30, 0, 0, time.UTC)})
	ts, err := g.timeSeries(s)
	if err != nil {
		return err
	}
	docs = append(docs, ts)
	budgets, err := g.budgets(s)
	if err != nil {
		return err
	}
	docs = append(docs, budgets...)
	return s.AddGovukCollection(RevenueCollection, "Local authority revenue expenditure and financing", docs)
}
