package mhclg

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/sources"
)

// RO5 workbook layouts.
const (
	// LayoutFlat is the 2024-25 workbook: one header row of "<service> - <measure>" texts.
	LayoutFlat = "flat"
	// LayoutTwoLevel is the 2018-19 to 2023-24 workbook: service names in one row (merged across
	// each line's block, so forward-filled) above a row of measure names.
	LayoutTwoLevel = "two-level"
	// LayoutThreeSheet is the 2013-14 .xls: the two-level header on three sheets "(1)", "(2)",
	// "(3)" holding C1-C3, C4-C6 and C7-C9.
	LayoutThreeSheet = "three-sheet"
)

// headScan is how many non-empty rows are read looking for the header.
const headScan = 60

// identity column header texts, each matched exactly.
var identityHeaders = map[string][]string{
	"E-code":          {"E-code", "E-Code", "Ecode", "E code"},
	"ONS Code":        {"ONS Code", "ONS code"},
	"Local authority": {"Local authority", "Local Authority"},
	"Class":           {"Class"},
	"Detailed Class":  {"Detailed Class", "Detailed class"},
	"Subclass":        {"Subclass", "Sub-class"},
	"Region":          {"Region"},
	"Notes":           {"Notes", "Note"},
}

var identityByText = func() map[string]string {
	m := map[string]string{}
	for k, vs := range identityHeaders {
		for _, v := range vs {
			m[norm(v)] = k
		}
	}
	return m
}()

// ro5Record is one value cell of an RO5 workbook.
type ro5Record struct {
	Sheet         string
	Row, Col      int
	ECode         string
	ONSCode, Name string
	Class, Detail string
	Note, Status  string
	Service       string // as published
	Measure       string // as published
	Code          string // C1 … C9
	Line          string // catalogue key, "" when not a kept line
	Header        string // the header as published ("<service> - <measure>", or "<service> / <measure>")
	Amount        amount
}

// ro5Col is one value column.
type ro5Col struct {
	idx                   int
	service, measure      string
	code, line, header    string
	serviceRow, measureRo int
}

// ro5Table is the parsed header of one data sheet.
type ro5Table struct {
	sheet    string
	layout   string
	identity map[string]int
	cols     []ro5Col
	dataFrom int // spreadsheet row number of the last header row
	headers  []string
	titles   []string // texts of the rows above the header
}

// ro5Book is an RO5 workbook whose headers have been read and checked.
type ro5Book struct {
	path, name string
	layout     string
	fy         string
	tables     []*ro5Table
	notes      []string
}

var partSheetRe = regexp.MustCompile(`^(.*\S)\s*\((\d)\)\s*$`)

// openRO5 reads the headers of an RO5 workbook: it finds the data sheet (or the three part
// sheets), the header rows by content, every value column, and checks that every required line
// has every measure the file publishes. It fails with a *sources.LayoutError when a required
// header is missing or renamed.
func openRO5(path, name string) (*ro5Book, error) {
	wb, err := sheets.Open(path)
	if err != nil {
		return nil, err
	}
	defer wb.Close()
	b := &ro5Book{path: path, name: name}
	groups := map[string][]string{}
	var order []string
	for _, s := range wb.Sheets() {
		if m := partSheetRe.FindStringSubmatch(s); m != nil {
			if _, ok := groups[m[1]]; !ok {
				order = append(order, m[1])
			}
			groups[m[1]] = append(groups[m[1]], s)
		}
	}
	for _, p := range order {
		if len(groups[p]) >= 2 {
			b.layout = LayoutThreeSheet
			for _, s := range groups[p] {
				t, err := readRO5Header(wb, name, s)
				if err != nil {
					return nil, err
				}
				if t == nil {
					return nil, &sources.LayoutError{File: name, Sheet: s, Expected: "E-code", Detail: "no row with E-code and Local authority in the part sheet"}
				}
				b.tables = append(b.tables, t)
			}
			break
		}
	}
	if b.layout == "" {
		var tried []string
		for _, s := range wb.Sheets() {
			t, err := readRO5Header(wb, name, s)
			if err != nil {
				return nil, err
			}
			if t != nil {
				b.tables = []*ro5Table{t}
				b.layout = t.layout
				break
			}
			tried = append(tried, s)
		}
		if len(b.tables) == 0 {
			return nil, &sources.LayoutError{File: name, Expected: "E-code", Nearest: tried,
				Detail: fmt.Sprintf("no sheet has a row with E-code and Local authority in its first %d rows", headScan)}
		}
	}
	if err := b.check(); err != nil {
		return nil, err
	}
	b.fy = b.fileYear()
	return b, nil
}

// fileYear reads the financial year from the sheet names, then the title rows, then the file
// name.
func (b *ro5Book) fileYear() string {
	for _, t := range b.tables {
		if fy := FinancialYear(t.sheet); fy != "" {
			return fy
		}
	}
	for _, t := range b.tables {
		if fy := FinancialYear(strings.Join(t.titles, " ")); fy != "" {
			return fy
		}
	}
	return FinancialYear(filepath.Base(b.name))
}

// check verifies that the file has E-code and Local authority columns, the measures C1-C7, and
// every required line under every measure the file publishes.
func (b *ro5Book) check() error {
	codes := map[string]bool{}
	have := map[string]map[string]*ro5Table{} // line -> code -> table
	serviceText := map[string]string{}        // line -> spelling used
	measureText := map[string]string{}        // code -> spelling used
	codeTable := map[string]*ro5Table{}
	prefixed := false
	for _, t := range b.tables {
		for _, c := range t.cols {
			codes[c.code] = true
			if _, ok := measureText[c.code]; !ok {
				measureText[c.code] = c.measure
				codeTable[c.code] = t
			}
			if c.line == "" {
				continue
			}
			if have[c.line] == nil {
				have[c.line] = map[string]*ro5Table{}
			}
			have[c.line][c.code] = t
			if _, ok := serviceText[c.line]; !ok {
				serviceText[c.line] = c.service
			}
			if strings.Contains(c.service, " - ") {
				prefixed = true
			}
		}
	}
	expected := func(line, code string) *sources.LayoutError {
		l := ro5Catalogue.byKey[line]
		svc := serviceText[line]
		if svc == "" {
			svc = l.Spellings[len(l.Spellings)-1]
			if prefixed {
				for _, s := range l.Spellings {
					if strings.Contains(s, " - ") {
						svc = s
						break
					}
				}
			}
		}
		meas := measureText[code]
		if meas == "" {
			meas = canonicalMeasure(code)
		}
		t := codeTable[code]
		if t == nil {
			t = b.tables[0]
		}
		e := &sources.LayoutError{File: b.name, Sheet: t.sheet}
		if t.layout == LayoutFlat {
			e.Expected = svc + " - " + meas
			e.Detail = fmt.Sprintf("header row %d", t.dataFrom)
		} else {
			e.Expected = svc + " / " + meas
			e.Detail = "service above measure in the two-level header ending at row " + fmt.Sprint(t.dataFrom)
		}
		var all []string
		for _, tt := range b.tables {
			all = append(all, tt.headers...)
		}
		e.Nearest = suggestHeaders(svc, meas, all, t.layout != LayoutFlat, 3)
		return e
	}
	for _, code := range []string{"C1", "C2", "C3", "C4", "C5", "C6", "C7"} {
		if !codes[code] {
			return expected("library", code)
		}
	}
	var want []string
	for _, m := range Measures {
		if codes[m.Code] {
			want = append(want, m.Code)
		}
	}
	complete := func(line string) bool {
		for _, code := range want {
			if have[line][code] == nil {
				return false
			}
		}
		return true
	}
	groups := map[string][]string{}
	for _, l := range RO5Lines {
		if l.Required && l.OneOf != "" {
			groups[l.OneOf] = append(groups[l.OneOf], l.Key)
		}
	}
	for _, l := range RO5Lines {
		if !l.Required {
			continue
		}
		if l.OneOf != "" {
			// Satisfied by the single line or by all the others of its group.
			g := groups[l.OneOf]
			single, split := complete(g[0]), true
			for _, k := range g[1:] {
				split = split && complete(k)
			}
			if single || split {
				continue
			}
			if len(have[l.Key]) == 0 && (l.Key != g[0] || anyHave(have, g[1:])) && (l.Key == g[0] || len(have[g[0]]) > 0) {
				continue // the alternative this line does not belong to is the one partly present
			}
		}
		for _, code := range want {
			if have[l.Key][code] == nil {
				return expected(l.Key, code)
			}
		}
	}
	return nil
}

func anyHave(have map[string]map[string]*ro5Table, keys []string) bool {
	for _, k := range keys {
		if len(have[k]) > 0 {
			return true
		}
	}
	return false
}

// stream reads every authority row of every data sheet and emits one record per value column.
// Rows whose E-code is not ^E\d{4}$ (England, class totals, footnotes) are skipped; a repeated
// E-code (the class breakdown block repeats the GLA) is kept once. A row with no value at all is
// an authority that did not submit: its values are NULL with the reason "not submitted". Cells
// that are neither numbers nor known markers are reported together in a *sources.ValidationError.
func (b *ro5Book) stream(ctx context.Context, emit func(ro5Record) error) error {
	wb, err := sheets.Open(b.path)
	if err != nil {
		return err
	}
	defer wb.Close()
	for _, t := range b.tables {
		if err := b.streamTable(ctx, wb, t, emit); err != nil {
			return err
		}
	}
	return nil
}

const maxProblems = 25

func (b *ro5Book) streamTable(ctx context.Context, wb sheets.Workbook, t *ro5Table, emit func(ro5Record) error) error {
	rows, err := wb.Rows(t.sheet)
	if err != nil {
		return err
	}
	defer rows.Close()
	eCol := t.identity["E-code"]
	id := func(r []sheets.Cell, k string) string {
		if i, ok := t.identity[k]; ok {
			return cellText(r, i)
		}
		return ""
	}
	seen := map[string]string{}
	var problems []sources.Problem
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		if rows.Number() <= t.dataFrom {
			continue
		}
		r := rows.Row()
		ecode := cellText(r, eCol)
		if !ecodeRe.MatchString(ecode) {
			continue
		}
		sig := rowSignature(r, t.cols)
		if prev, dup := seen[ecode]; dup {
			if prev != sig {
				b.notes = append(b.notes, fmt.Sprintf("%s sheet %q row %d repeats E-code %s with different values; the first row is kept",
					b.name, t.sheet, rows.Number(), ecode))
			}
			continue
		}
		seen[ecode] = sig
		status := "not submitted"
		for _, c := range t.cols {
			if c.idx < len(r) && r[c.idx].Kind != sheets.Empty {
				status = "submitted"
				break
			}
		}
		rec := ro5Record{Sheet: t.sheet, Row: rows.Number(), ECode: ecode, ONSCode: id(r, "ONS Code"), Name: id(r, "Local authority"),
			Class: id(r, "Class"), Detail: id(r, "Detailed Class"), Note: id(r, "Notes"), Status: status}
		for _, c := range t.cols {
			var cell sheets.Cell
			if c.idx < len(r) {
				cell = r[c.idx]
			}
			a, err := parseAmount(cell)
			if err != nil {
				if len(problems) < maxProblems {
					problems = append(problems, sources.Problem{Row: rows.Number(), Column: c.header + " (" + sheets.CellRef(c.idx, rows.Number()) + ")",
						Value: cell.Value, Why: err.Error()})
				}
				continue
			}
			if status == "not submitted" {
				a.Reason = "not submitted"
			}
			rec.Col, rec.Service, rec.Measure, rec.Code, rec.Line, rec.Header, rec.Amount = c.idx, c.service, c.measure, c.code, c.line, c.header, a
			if len(problems) == 0 {
				if err := emit(rec); err != nil {
					return err
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) > 0 {
		return &sources.ValidationError{File: b.name, Sheet: t.sheet, Problems: problems}
	}
	return nil
}

func rowSignature(r []sheets.Cell, cols []ro5Col) string {
	var s strings.Builder
	for _, c := range cols {
		if c.idx < len(r) {
			s.WriteString(r[c.idx].Value)
		}
		s.WriteByte(0)
	}
	return s.String()
}
