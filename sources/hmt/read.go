package hmt

import (
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/values"
)

// The reader finds everything by content, never by position. What it relies on, and how sure we
// are of it (no copy of the real file was at hand when it was written; the layout is from memory
// of the published workbooks and from other people's readers of them):
//
//   - Certain: the financial-year table has a header row with a cell reading "Financial year" and,
//     in that row or the row above it, a cell naming the "GDP deflator"; years are written
//     "2023-24"; the deflator is an index with a stated base ("2023-24 = 100"), in the deflator's
//     header or in the title rows above the table.
//   - Likely: a "per cent change on previous year" column follows the deflator, and a money GDP
//     column in £ million follows that; forecast years carry footnote markers ("2025-26 (1)") that
//     the notes below the table explain; the calendar-year table sits beside the financial-year
//     table on the same sheet (its own "Calendar year" header bounds the block read here) or below
//     it, and quarterly tables may follow on other sheets.
//   - Unknown, handled both ways: whether forecasts are marked by a column, a "Forecast" section
//     heading, footnote markers explained as forecasts, a sentence "forecasts … 2025-26 to
//     2029-30", or not at all (forecast is then NULL: unknown, never guessed); whether per cent
//     changes are stored as numbers (2.1) or as percentage-formatted fractions (0.021, detected by
//     comparing them with the change between consecutive deflators).

// DeflatorRow is one financial year of the table.
type DeflatorRow struct {
	Row           int    // sheet row, as a spreadsheet shows it
	Label         string // the year cell as published, footnote markers included
	FinancialYear string // "2023-24"
	Markers       []string
	Deflator      *float64 // index, BaseYear = 100; nil when the cell is blank or a marker
	PctChange     *float64 // per cent change on the previous year (2.1 means 2.1%)
	MoneyGDP      *float64 // £ million
	Forecast      *bool    // nil when the file does not say which years are forecasts
}

// DeflatorTable is the financial-year table of a deflators workbook.
type DeflatorTable struct {
	Sheet     string
	HeaderRow int
	BaseYear  string // "2023-24", or a calendar year "2023" when so stated
	// TitleVintage is the month of the release named in the title rows ("2025-09"), or "".
	TitleVintage string
	Rows         []DeflatorRow
	// Notes are warnings that do not fail the load (forecasts not marked, a column absent, …).
	Notes []string
}

// Limits of the search, so that a hostile file costs little.
const (
	maxHeaderRows = 60   // rows searched for the header
	maxSheetRows  = 5000 // rows read from a sheet
)

var (
	fyRe          = regexp.MustCompile(`^(\d{4})\s*(?:-|–|—|/|to)\s*(\d{4}|\d{2})\b(.*)$`)
	fyHeaderRe    = regexp.MustCompile(`(?i)^financial\s+years?\b`)
	deflatorRe    = regexp.MustCompile(`(?i)deflator`)
	pctRe         = regexp.MustCompile(`(?i)per\s*cent|%|percentage|growth`)
	moneyRe       = regexp.MustCompile(`(?i)money\s+gdp|nominal\s+gdp|£\s*(million|billion|m\b|bn\b)`)
	forecastColRe = regexp.MustCompile(`(?i)^(obr\s+)?(forecast|outturn)`)
	blockEndRe    = regexp.MustCompile(`(?i)\byear\b|quarter`)
	baseFYRe      = regexp.MustCompile(`(\d{4})\s*(?:-|–|—|/|to)\s*(\d{4}|\d{2})\s*=\s*100\b`)
	baseCYRe      = regexp.MustCompile(`(?:^|[^\d-–/])(\d{4})\s*=\s*100\b`)
	baseWordRe    = regexp.MustCompile(`(?i)base\s*(?:year|period)?\s*[:=]?\s*(\d{4})\s*(?:-|–|—|/|to)\s*(\d{4}|\d{2})\b`)
	headingRe     = regexp.MustCompile(`(?i)^(obr\s+)?(forecasts?|projections?|outturns?)\b`)
	footnoteRe    = regexp.MustCompile(`(?i)^(?:\(|\[)?\s*(?:note\s*)?(\d{1,2}|\*|[¹²³⁴⁵⁶⁷⁸⁹])\s*(?:\)|\]|\.|:)?\s+(\S.{2,})$`)
	rangeRe       = regexp.MustCompile(`(?i)forecasts?\b[^.]*?(\d{4}\s*-\s*\d{2})\s*(?:to|-|–)\s*(\d{4}\s*-\s*\d{2})`)
	markerRe      = regexp.MustCompile(`\d+|\*|[¹²³⁴⁵⁶⁷⁸⁹]`)
	monthYearRe   = regexp.MustCompile(`(?i)(?:^|[^a-z])(january|february|march|april|may|june|july|august|september|october|november|december)[\s_-]+(\d{4})(?:$|\D)`)
	fMarkerRe     = regexp.MustCompile(`(^|[\s(\[])f($|[\s)\]])`)
	billionRe     = regexp.MustCompile(`(?i)billion|£\s*bn`)
	forecastWord  = regexp.MustCompile(`(?i)forecast|projection`)
)

// isBlockEnd reports whether a header cell starts the next table beside this one ("Calendar
// year", "Quarter").
func isBlockEnd(t string) bool {
	return blockEndRe.MatchString(t) && !deflatorRe.MatchString(t) && !moneyRe.MatchString(t) && !pctRe.MatchString(t)
}

var superscripts = map[string]string{"¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9"}

// ParseFinancialYear reads a financial-year label: "2023-24", "2023/24", "2023-2024", "2023 to
// 2024", each optionally followed by footnote markers ("2025-26 (1), (2)", "2025-26*",
// "2025-26 [note 1]", "2025-26²", "2025-26 (f)"). It returns the year as "2023-24" and the markers
// ("1", "2", "*", "f"); ok is false for anything else, including years whose halves are not
// consecutive.
func ParseFinancialYear(s string) (fy string, markers []string, ok bool) {
	m := fyRe.FindStringSubmatch(strings.TrimSpace(sheets.NormalizeHeader(s)))
	if m == nil {
		return "", nil, false
	}
	y1, _ := strconv.Atoi(m[1])
	y2, _ := strconv.Atoi(m[2])
	if len(m[2]) == 4 && y2 != y1+1 || len(m[2]) == 2 && y2 != (y1+1)%100 {
		return "", nil, false
	}
	rest := strings.TrimSpace(m[3])
	if len(rest) > 24 {
		return "", nil, false // a sentence that starts with a year, not a labelled year
	}
	low := strings.ToLower(rest)
	for _, w := range []string{"note", "forecast", "f", "p", "and"} {
		low = strings.ReplaceAll(low, w, " ")
	}
	for _, r := range low {
		if r >= 'a' && r <= 'z' {
			return "", nil, false
		}
	}
	lr := strings.ToLower(rest)
	if strings.Contains(lr, "forecast") || fMarkerRe.MatchString(lr) {
		markers = append(markers, "f")
	}
	for _, mk := range markerRe.FindAllString(rest, -1) {
		if d, ok := superscripts[mk]; ok {
			mk = d
		}
		markers = append(markers, mk)
	}
	return fmt.Sprintf("%04d-%02d", y1, (y1+1)%100), markers, true
}

// sheetRow is one non-empty row kept in memory.
type sheetRow struct {
	num   int
	cells []sheets.Cell
}

func (r sheetRow) text(i int) string {
	if i < 0 || i >= len(r.cells) {
		return ""
	}
	return strings.TrimSpace(sheets.NormalizeHeader(r.cells[i].Value))
}

// firstText returns the first non-empty cell of the row at or before col, and its index.
func (r sheetRow) firstText(maxCol int) (string, int) {
	for i := 0; i < len(r.cells) && i <= maxCol; i++ {
		if t := r.text(i); t != "" {
			return t, i
		}
	}
	return "", -1
}

// ReadDeflators finds the financial-year table in the workbook (the first sheet holding one) and
// reads it. file names the file in errors. It fails with a *sources.LayoutError when no sheet has
// the table or its deflator column, a *sheets.CellError naming the cell when a value cannot be read
// or the base year is stated nowhere, and never returns an empty table without an error.
func ReadDeflators(ctx context.Context, wb sheets.Workbook, file string) (*DeflatorTable, error) {
	var nearest []string
	for _, sheet := range wb.Sheets() {
		rows, err := readSheet(ctx, wb, sheet)
		if err != nil {
			return nil, err
		}
		hdr := findHeader(rows)
		if hdr < 0 {
			for i := 0; i < len(rows) && i < 3; i++ {
				if t, _ := rows[i].firstText(len(rows[i].cells)); t != "" {
					nearest = append(nearest, t)
				}
			}
			continue
		}
		return readTable(file, sheet, rows, hdr)
	}
	return nil, &sources.LayoutError{File: file, Expected: "Financial year … GDP deflator", Nearest: sources.Nearest("Financial year", nearest, 3),
		Detail: fmt.Sprintf("no sheet of %q has a header row with a \"Financial year\" cell and a GDP deflator column", wb.Sheets())}
}

func readSheet(ctx context.Context, wb sheets.Workbook, sheet string) ([]sheetRow, error) {
	it, err := wb.Rows(sheet)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	var out []sheetRow
	for len(out) < maxSheetRows && it.Next() {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		out = append(out, sheetRow{num: it.Number(), cells: append([]sheets.Cell(nil), it.Row()...)})
	}
	return out, it.Err()
}

// findHeader returns the index of the header row: the first row (of the first maxHeaderRows) with a
// "Financial year" cell and a deflator cell to its right in it or in the row above; -1 if none.
func findHeader(rows []sheetRow) int {
	for i := 0; i < len(rows) && i < maxHeaderRows; i++ {
		fy := fyColumn(rows[i])
		if fy < 0 {
			continue
		}
		if deflatorCol(rows[i], fy) >= 0 || i > 0 && rows[i-1].num == rows[i].num-1 && deflatorCol(rows[i-1], fy) >= 0 {
			return i
		}
	}
	return -1
}

func fyColumn(r sheetRow) int {
	for i := range r.cells {
		if t := r.text(i); len(t) < 40 && fyHeaderRe.MatchString(t) {
			return i
		}
	}
	return -1
}

func deflatorCol(r sheetRow, after int) int {
	for i := after + 1; i < len(r.cells); i++ {
		t := r.text(i)
		if isBlockEnd(t) {
			return -1
		}
		if deflatorRe.MatchString(t) && !pctRe.MatchString(t) {
			return i
		}
	}
	return -1
}

// columns of the financial-year block.
type fyColumns struct {
	fy, deflator, pct, money, forecast int
	headers                            map[int]string
	moneyScale                         float64
}

func blockColumns(rows []sheetRow, hdr int) fyColumns {
	h := rows[hdr]
	c := fyColumns{fy: fyColumn(h), deflator: -1, pct: -1, money: -1, forecast: -1, headers: map[int]string{}, moneyScale: 1}
	var above sheetRow
	if hdr > 0 && rows[hdr-1].num == h.num-1 && deflatorCol(rows[hdr-1], c.fy) >= 0 {
		above = rows[hdr-1]
	}
	width := max(len(h.cells), len(above.cells))
	for i := c.fy + 1; i < width; i++ {
		t := strings.TrimSpace(above.text(i) + " " + h.text(i))
		if isBlockEnd(t) {
			break // the next table's year column ("Calendar year", "Quarter")
		}
		if t == "" {
			continue
		}
		c.headers[i] = t
		switch {
		case c.deflator < 0 && deflatorRe.MatchString(t) && !pctRe.MatchString(t):
			c.deflator = i
		case c.pct < 0 && c.deflator >= 0 && c.money < 0 && pctRe.MatchString(t):
			c.pct = i
		case c.money < 0 && moneyRe.MatchString(t) && !pctRe.MatchString(t):
			c.money = i
			if billionRe.MatchString(t) {
				c.moneyScale = 1000
			}
		case c.forecast < 0 && forecastColRe.MatchString(t):
			c.forecast = i
		}
	}
	return c
}

// baseYear looks for "2023-24 = 100" (or "2023 = 100", "base year 2023-24") in the deflator's
// header, then the title rows above the header, then the rows between the header and the data.
func baseYear(rows []sheetRow, hdr, firstData int, c fyColumns) string {
	var texts []string
	texts = append(texts, c.headers[c.deflator])
	for i := 0; i < hdr; i++ {
		for j := range rows[i].cells {
			texts = append(texts, rows[i].text(j))
		}
	}
	for j := range rows[hdr].cells {
		texts = append(texts, rows[hdr].text(j))
	}
	for i := hdr + 1; i < firstData && i < len(rows); i++ {
		for j := range rows[i].cells {
			texts = append(texts, rows[i].text(j))
		}
	}
	for _, t := range texts {
		if m := baseFYRe.FindStringSubmatch(t); m != nil {
			if fy, _, ok := ParseFinancialYear(m[1] + "-" + m[2]); ok {
				return fy
			}
		}
		if m := baseWordRe.FindStringSubmatch(t); m != nil {
			if fy, _, ok := ParseFinancialYear(m[1] + "-" + m[2]); ok {
				return fy
			}
		}
	}
	for _, t := range texts {
		if m := baseCYRe.FindStringSubmatch(t); m != nil {
			return m[1]
		}
	}
	return ""
}

func readTable(file, sheet string, rows []sheetRow, hdr int) (*DeflatorTable, error) {
	c := blockColumns(rows, hdr)
	h := rows[hdr]
	t := &DeflatorTable{Sheet: sheet, HeaderRow: h.num}
	if c.deflator < 0 {
		var texts []string
		for _, s := range c.headers {
			texts = append(texts, s)
		}
		sort.Strings(texts)
		return nil, &sources.LayoutError{File: file, Sheet: sheet, Expected: "GDP deflator", Nearest: sources.Nearest("GDP deflator", texts, 3),
			Detail: fmt.Sprintf("row %d has \"Financial year\" but no deflator column to its right", h.num)}
	}
	if c.pct < 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("%s sheet %q: no per cent change column beside the deflator; pct_change is NULL", file, sheet))
	}
	if c.money < 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("%s sheet %q: no money GDP column in the financial-year table; money_gdp_gbp_million is NULL", file, sheet))
	}
	for i := 0; i < hdr; i++ {
		for j := range rows[i].cells {
			if m := monthYearRe.FindStringSubmatch(rows[i].text(j)); m != nil && t.TitleVintage == "" {
				t.TitleVintage = monthVintage(m[1], m[2])
			}
		}
	}

	// The data rows: every row below the header whose year cell is a financial year with a
	// figure beside it, until the first row that is neither that, nor blank in the year
	// column, nor a section heading.
	var (
		section     *bool // set by a "Forecast" / "Outturn" heading
		marked      bool  // the file marks forecasts somehow
		firstData   = -1
		lastData    = -1
		seen        = map[string]int{}
		sectionRows = map[int]*bool{}
	)
	for i := hdr + 1; i < len(rows); i++ {
		r := rows[i]
		label := r.text(c.fy)
		fy, markers, ok := ParseFinancialYear(label)
		hasFigure := r.text(c.deflator) != "" || c.pct >= 0 && r.text(c.pct) != "" || c.money >= 0 && r.text(c.money) != ""
		if ok && !hasFigure {
			continue // a year with no figures yet
		}
		if ok {
			if firstData < 0 {
				firstData = i
			}
			if prev, dup := seen[fy]; dup {
				return nil, &sheets.CellError{File: file, Sheet: sheet, Row: r.num, Col: c.fy, Value: label,
					Err: fmt.Errorf("financial year %s appears twice in the table (rows %d and %d)", fy, prev, r.num)}
			}
			seen[fy] = r.num
			lastData = i
			row := DeflatorRow{Row: r.num, Label: label, FinancialYear: fy, Markers: markers}
			var err error
			if row.Deflator, err = number(file, sheet, r, c.deflator, 1); err != nil {
				return nil, err
			}
			if row.PctChange, err = number(file, sheet, r, c.pct, 1); err != nil {
				return nil, err
			}
			if row.MoneyGDP, err = number(file, sheet, r, c.money, c.moneyScale); err != nil {
				return nil, err
			}
			if row.Deflator != nil && *row.Deflator <= 0 {
				return nil, &sheets.CellError{File: file, Sheet: sheet, Row: r.num, Col: c.deflator, Value: r.text(c.deflator),
					Err: errors.New("a GDP deflator index must be positive")}
			}
			if c.forecast >= 0 {
				f, err := forecastCell(file, sheet, r, c.forecast)
				if err != nil {
					return nil, err
				}
				row.Forecast = f
			}
			sectionRows[len(t.Rows)] = section
			t.Rows = append(t.Rows, row)
			continue
		}
		first, col := r.firstText(c.deflator)
		if col >= 0 && len(first) < 60 && headingRe.MatchString(first) && r.text(c.deflator) == "" {
			v := !strings.HasPrefix(strings.ToLower(first), "outturn")
			section, marked = &v, true
			continue
		}
		if label == "" || firstData < 0 {
			continue // a units or base-year row under the header, or a blank year cell
		}
		break
	}
	end := lastData + 1
	if len(t.Rows) == 0 {
		return nil, &sources.LayoutError{File: file, Sheet: sheet, Expected: "2023-24", Detail: fmt.Sprintf(
			"no financial year with a figure under the header in row %d (cell %s)", h.num, sheets.CellRef(c.fy, h.num))}
	}

	if t.BaseYear = baseYear(rows, hdr, firstData, c); t.BaseYear == "" {
		return nil, &sheets.CellError{File: file, Sheet: sheet, Row: h.num, Col: c.deflator, Value: c.headers[c.deflator],
			Err: fmt.Errorf("%w: the deflator's base year (\"2023-24 = 100\") is stated neither in its header nor in the title rows above it", sources.ErrLayout)}
	}
	if err := checkBase(file, sheet, t, c); err != nil {
		return nil, err
	}

	// Footnotes and sentences below the table (and in the title rows) that say which years are
	// forecasts.
	forecastMarkers := map[string]bool{"f": true}
	var rangeFrom, rangeTo string
	for i := 0; i < len(rows); i++ {
		if i >= hdr && i < end {
			continue
		}
		for j := range rows[i].cells {
			s := rows[i].text(j)
			if m := footnoteRe.FindStringSubmatch(s); m != nil && i >= end && forecastWord.MatchString(m[2]) {
				mk := m[1]
				if d, ok := superscripts[mk]; ok {
					mk = d
				}
				forecastMarkers[mk] = true
			}
			if m := rangeRe.FindStringSubmatch(s); m != nil && rangeFrom == "" {
				a, _, ok1 := ParseFinancialYear(strings.ReplaceAll(m[1], " ", ""))
				b, _, ok2 := ParseFinancialYear(strings.ReplaceAll(m[2], " ", ""))
				if ok1 && ok2 && a <= b {
					rangeFrom, rangeTo = a, b
				}
			}
		}
	}
	for i := range t.Rows {
		r := &t.Rows[i]
		if r.Forecast != nil {
			marked = true
			continue
		}
		f := sectionRows[i]
		yes := true
		for _, mk := range r.Markers {
			if forecastMarkers[mk] {
				f, marked = &yes, true
			}
		}
		if rangeFrom != "" {
			marked = true
			if r.FinancialYear >= rangeFrom && r.FinancialYear <= rangeTo {
				f = &yes
			}
		}
		r.Forecast = f
	}
	if marked || c.forecast >= 0 {
		for i := range t.Rows {
			if t.Rows[i].Forecast == nil {
				f := false
				t.Rows[i].Forecast = &f
			}
		}
	} else {
		t.Notes = append(t.Notes, fmt.Sprintf("%s sheet %q: the file does not mark which years are forecasts; forecast is NULL", file, sheet))
	}
	if scalePercent(t) {
		t.Notes = append(t.Notes, fmt.Sprintf("%s sheet %q: per cent changes are stored as fractions (percentage format); multiplied by 100", file, sheet))
	}
	return t, nil
}

// checkBase fails when the base year is a financial year in the table whose deflator is not 100:
// the base was misread, or the file contradicts itself.
func checkBase(file, sheet string, t *DeflatorTable, c fyColumns) error {
	for _, r := range t.Rows {
		if r.FinancialYear == t.BaseYear && r.Deflator != nil && math.Abs(*r.Deflator-100) > 0.5 {
			return &sheets.CellError{File: file, Sheet: sheet, Row: r.Row, Col: c.deflator, Value: strconv.FormatFloat(*r.Deflator, 'f', -1, 64),
				Err: fmt.Errorf("%w: the base year is stated as %s = 100 but its deflator is %g", sources.ErrLayout, t.BaseYear, *r.Deflator)}
		}
	}
	return nil
}

// scalePercent multiplies the per cent changes by 100 when they are fractions: when, for most
// years with both, the published change is nearer a hundredth of the change between consecutive
// deflators than the change itself.
func scalePercent(t *DeflatorTable) bool {
	prev := map[string]float64{}
	for _, r := range t.Rows {
		if r.Deflator != nil {
			prev[r.FinancialYear] = *r.Deflator
		}
	}
	frac, whole := 0, 0
	for _, r := range t.Rows {
		if r.PctChange == nil || r.Deflator == nil {
			continue
		}
		y, _ := strconv.Atoi(r.FinancialYear[:4])
		p, ok := prev[fmt.Sprintf("%04d-%02d", y-1, y%100)]
		if !ok || p == 0 {
			continue
		}
		implied := (*r.Deflator/p - 1) * 100
		if math.Abs(*r.PctChange*100-implied) < math.Abs(*r.PctChange-implied) {
			frac++
		} else {
			whole++
		}
	}
	if frac <= whole {
		return false
	}
	for i := range t.Rows {
		if p := t.Rows[i].PctChange; p != nil {
			v := *p * 100
			t.Rows[i].PctChange = &v
		}
	}
	return true
}

func number(file, sheet string, r sheetRow, col int, scale float64) (*float64, error) {
	if col < 0 || col >= len(r.cells) {
		return nil, nil
	}
	text := r.cells[col].Value
	if f, ok := r.cells[col].Float(); ok {
		v := f * scale
		return &v, nil
	}
	n, err := values.Parse(text)
	if err != nil {
		return nil, &sheets.CellError{File: file, Sheet: sheet, Row: r.num, Col: col, Value: text, Err: err}
	}
	if !n.Valid {
		return nil, nil
	}
	v := n.Value * scale
	return &v, nil
}

func forecastCell(file, sheet string, r sheetRow, col int) (*bool, error) {
	s := strings.ToLower(r.text(col))
	yes, no := true, false
	switch {
	case s == "":
		return nil, nil
	case strings.Contains(s, "forecast") || strings.Contains(s, "projection") || s == "f" || s == "y" || s == "yes" || s == "true":
		return &yes, nil
	case strings.Contains(s, "outturn") || s == "o" || s == "n" || s == "no" || s == "false":
		return &no, nil
	}
	return nil, &sheets.CellError{File: file, Sheet: sheet, Row: r.num, Col: col, Value: r.text(col),
		Err: errors.New("neither forecast nor outturn")}
}

var months = map[string]int{"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12}

// monthVintage returns "2025-09" for ("September", "2025").
func monthVintage(month, year string) string {
	return fmt.Sprintf("%s-%02d", year, months[strings.ToLower(month)])
}

// VintageFromText returns the release month ("2025-09") named in a title or file name
// ("… money GDP September 2025 (Quarterly National Accounts)",
// "GDP_Deflators_Qtrly_National_Accounts_September_2025_update.xlsx"), or "".
func VintageFromText(s string) string {
	if m := monthYearRe.FindStringSubmatch(s); m != nil {
		return monthVintage(m[1], m[2])
	}
	return ""
}
