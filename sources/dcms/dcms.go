// Package dcms reads the Department for Culture, Media and Sport's statistics on cultural
// engagement, discovered through the GOV.UK Content API:
//
//   - dcms-museum-visits: monthly and quarterly visits to the DCMS-sponsored museums and galleries
//     (sheets 1a, 1b and the 2a, 2b archive) into raw.dcms_museum_visits;
//   - dcms-museum-indicators: the sponsored museums' annual performance indicators (tables 1-12:
//     visits, under-16 and overseas visits, website visits, recommendation, education, loans,
//     income) into raw.dcms_museum_indicators;
//   - dcms-participation: the Participation Survey's local-authority tables (percentage, lower and
//     upper estimate, respondents, base) into raw.dcms_participation.
//
// Raw tables keep what DCMS published: names with their "[note N]" markers, labels as written,
// values in the published unit, markers as NULL with the marker's meaning. Harmonising museum
// names, mapping sites to local authorities and resolving area names happen in the SQL models
// (core.museum_visits, core.museum_indicators, core.engagement).
package dcms

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/sources/values"
)

// Publisher is DCMS's name as GOV.UK gives it.
const Publisher = "Department for Culture, Media and Sport"

// Licence of DCMS official statistics.
const (
	Licence    = "Open Government Licence v3.0"
	LicenceURL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)

var (
	// fyRe matches a financial year label: "2008/09", "2004/2005", "2023-24", "2010/11 [b]".
	fyRe = regexp.MustCompile(`^(\d{4})\s*[/-]\s*(\d{2}|\d{4})$`)
	// breakRe matches a break-in-series marker in a header: "[b]" or a bare trailing "b".
	breakRe = regexp.MustCompile(`(?i)\s*\[b\]`)
	// revisedMarkRe matches a revision marker in a header.
	revisedMarkRe = regexp.MustCompile(`(?i)\s*\[r\]`)
	// cellRefRe matches a cell reference named in a Notes column ("P6", "AT5").
	cellRefRe = regexp.MustCompile(`\b([A-Z]{1,3})([1-9][0-9]{0,6})\b`)
	// noteMarkRe matches "[note 2]" in a Notes column.
	noteMarkRe = regexp.MustCompile(`(?i)\[\s*note\s*\d+\s*\]`)
)

// financialYear reads a financial year label ("2008/09", "2004/2005", "2010/11 [b]", "2019/20 ")
// and returns it as "2008-09" with the year it starts and whether the label carried a break in
// series "[b]" or a revision "[r]".
func financialYear(label string) (fy string, start int, brk, revised, ok bool) {
	s := sheets.NormalizeHeader(label)
	if breakRe.MatchString(s) {
		brk = true
		s = strings.TrimSpace(breakRe.ReplaceAllString(s, ""))
	}
	if revisedMarkRe.MatchString(s) {
		revised = true
		s = strings.TrimSpace(revisedMarkRe.ReplaceAllString(s, ""))
	}
	m := fyRe.FindStringSubmatch(s)
	if m == nil {
		return "", 0, false, false, false
	}
	start, _ = strconv.Atoi(m[1])
	end, _ := strconv.Atoi(m[2])
	if len(m[2]) == 4 {
		if end != start+1 {
			return "", 0, false, false, false
		}
	} else if end != (start+1)%100 {
		return "", 0, false, false, false
	}
	return fmt.Sprintf("%d-%02d", start, (start+1)%100), start, brk, revised, true
}

// monthNumber reads an English month name or abbreviation ("January", "Sept", "Apr").
func monthNumber(s string) (time.Month, bool) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) < 3 {
		return 0, false
	}
	for m := time.January; m <= time.December; m++ {
		name := strings.ToLower(m.String())
		if strings.HasPrefix(name, s[:3]) && strings.HasPrefix(name, strings.TrimSuffix(s, ".")) {
			return m, true
		}
		if s == "sept" && m == time.September {
			return m, true
		}
	}
	return 0, false
}

// cellNotes is what a table's Notes column says about particular cells:
// "[note 2] The cells O9 & P9 are revised figures." or
// "[note 2][This note applies to cells BL9, BM9 & BN9.]".
type cellNotes struct {
	cells   map[string]bool // cell references named ("O9")
	columns map[string]bool // their column letters ("O"), when they all name one row
	row     int             // that row, 0 when they name several
	notes   string          // the note markers ("[note 2]")
	revised bool            // the text says the named cells are revised
}

// parseCellNotes reads a Notes column's text. It returns nil when the text names no cell.
func parseCellNotes(text string) *cellNotes {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	cn := &cellNotes{cells: map[string]bool{}, columns: map[string]bool{}}
	rest := noteMarkRe.ReplaceAllString(text, " ")
	for i, m := range cellRefRe.FindAllStringSubmatch(rest, -1) {
		cn.cells[m[1]+m[2]] = true
		cn.columns[m[1]] = true
		row, _ := strconv.Atoi(m[2])
		if i == 0 {
			cn.row = row
		} else if row != cn.row {
			cn.row = 0
		}
	}
	if len(cn.cells) == 0 {
		return nil
	}
	var marks []string
	for _, m := range noteMarkRe.FindAllString(text, -1) {
		marks = append(marks, strings.ToLower(strings.Join(strings.Fields(m), " ")))
	}
	cn.notes = strings.Join(marks, " ")
	cn.revised = strings.Contains(strings.ToLower(rest), "revised")
	return cn
}

// forCell returns the notes and revision flag the Notes column gives one cell. A row's Notes speak
// of cells of that row: when the cells they name all sit in one other row (the table re-saved
// without its title rows, say as CSV, moved every row), they are matched by column.
func (cn *cellNotes) forCell(col, row int) (notes string, revised bool) {
	if cn == nil {
		return "", false
	}
	ref := sheets.CellRef(col, row)
	if cn.cells[ref] || cn.row != 0 && cn.row != row && cn.columns[strings.TrimRight(ref, "0123456789")] {
		return cn.notes, cn.revised
	}
	return "", false
}

// joinNotes joins non-empty note texts with a space, without repeating one.
func joinNotes(parts ...string) string {
	var out []string
	seen := map[string]bool{}
	for _, p := range parts {
		for _, f := range noteMarkRe.FindAllString(p, -1) {
			f = strings.ToLower(strings.Join(strings.Fields(f), " "))
			if !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return strings.Join(out, " ")
}

// cellText returns the trimmed text of cell i of a row ("" beyond the row).
func cellText(r []sheets.Cell, i int) string {
	if i < 0 || i >= len(r) {
		return ""
	}
	return strings.TrimSpace(r[i].Value)
}

// localMarkers are markers DCMS uses that package values does not know. "w" marks 2020/21
// cells of the indicators' table 8 where museums had no on-site activities (its note 18); GSS
// guidance uses [w] for "no or few observations".
var localMarkers = map[string]string{"w": "no or few observations [w]", "[w]": "no or few observations [w]"}

// parseValue reads a numeric cell: a number ("Nil", as accounts write zero, is 0), or a marker (NULL with its reason). Text that is
// neither is a *sheets.CellError naming the file, sheet and cell.
func parseValue(file, sheet string, r []sheets.Cell, row, col int) (values.Number, error) {
	text := ""
	if col < len(r) {
		text = r[col].Value
	}
	lower := strings.ToLower(strings.TrimSpace(text))
	if r, ok := localMarkers[lower]; ok {
		return values.Number{Reason: r}, nil
	}
	if lower == "nil" {
		return values.Number{Valid: true, Reason: "published as Nil"}, nil
	}
	n, err := values.Parse(text)
	if err != nil {
		return n, &sheets.CellError{File: file, Sheet: sheet, Row: row, Col: col, Value: text, Err: err}
	}
	return n, nil
}

// optFloat returns a pointer to a parsed value, nil when it is a marker or blank.
func optFloat(n values.Number) *float64 {
	if !n.Valid {
		return nil
	}
	v := n.Value
	return &v
}

// optString returns nil for "".
func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
