package sources

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cornerstone-data/cornerstone/internal/safetext"
	"github.com/cornerstone-data/cornerstone/internal/sheets"
)

// Columns maps header texts to column indexes. Headers are compared exactly after
// sheets.NormalizeHeader (trimmed, whitespace and newlines collapsed), never by position or by
// splitting on separators.
type Columns map[string]int

// MatchColumns finds every required header in the header row. A missing one is a *LayoutError that
// names the file, the sheet, the header expected and the nearest headers present; optional headers
// map to -1 when absent. A header it looks for that appears in two columns is a
// *DuplicateColumnError naming both: which copy holds the figures cannot be told.
func MatchColumns(file, sheet string, header []sheets.Cell, required, optional []string) (Columns, error) {
	have := map[string]int{}
	dups := map[string]int{} // the second column of a header seen twice
	var texts []string
	for i, c := range header {
		t := sheets.NormalizeHeader(c.Value)
		if t == "" {
			continue
		}
		if _, dup := have[t]; !dup {
			have[t] = i
		} else if _, seen := dups[t]; !seen {
			dups[t] = i
		}
		texts = append(texts, t)
	}
	cols := Columns{}
	for _, r := range required {
		i, ok := have[sheets.NormalizeHeader(r)]
		if !ok {
			return nil, &LayoutError{File: file, Sheet: sheet, Expected: r, Nearest: Nearest(r, texts, 3)}
		}
		cols[r] = i
	}
	for _, o := range optional {
		if i, ok := have[sheets.NormalizeHeader(o)]; ok {
			cols[o] = i
		} else {
			cols[o] = -1
		}
	}
	for _, name := range append(append([]string{}, required...), optional...) {
		if j, dup := dups[sheets.NormalizeHeader(name)]; dup {
			return nil, &DuplicateColumnError{File: file, Sheet: sheet, Header: name, Cols: [2]int{have[sheets.NormalizeHeader(name)], j}}
		}
	}
	return cols, nil
}

// MissingOptional returns a warning for each optional header that MatchColumns did not find (its
// column loads as empty) when the absence looks like a mistake rather than a layout without that
// column: a header present that no column matched looks like it (Nearest finds one: a renamed
// header), or the reader lists it in expected (every file of the layout at hand has it). Other
// absences stay silent, so optional headers that come and go between releases do not warn on
// every load. A reader that matches some headers by pattern ("Statutory in 2023") records them in
// cols first (cols[text] = index), so they are not offered as the nearest header. The warnings,
// sorted by header, name the file, the sheet and the header:
// `f.csv: optional column "Year opened" not found, loaded as empty; nearest header found: "Year Opened (approx)"`.
// A reader's Load passes them to Loader.Note.
func MissingOptional(file, sheet string, header []sheets.Cell, cols Columns, expected ...string) []string {
	matched := map[int]bool{}
	var absent []string
	for name, i := range cols {
		if i < 0 {
			absent = append(absent, name)
		} else {
			matched[i] = true
		}
	}
	if len(absent) == 0 {
		return nil
	}
	sort.Strings(absent)
	var others []string
	for i, c := range header {
		if t := sheets.NormalizeHeader(c.Value); t != "" && !matched[i] {
			others = append(others, t)
		}
	}
	where := file
	if sheet != "" {
		where += fmt.Sprintf(" sheet %q", sheet)
	}
	var notes []string
	for _, name := range absent {
		note := fmt.Sprintf("%s: optional column %q not found, loaded as empty", where, name)
		if near := Nearest(name, others, 1); len(near) > 0 {
			notes = append(notes, fmt.Sprintf("%s; nearest header found: %q", note, safetext.Value(near[0])))
		} else if slices.Contains(expected, name) {
			notes = append(notes, note+"; files of this layout have it")
		}
	}
	return notes
}

// HeaderLayoutError turns the error of sheets.FindHeader into a *LayoutError for file: the header
// expected is the first wanted text the closest row lacks, Row is that row, and Nearest the texts
// it holds that are closest to the missing header (leaving out those that are other wanted
// texts), so a renamed column reads `f.csv: header "Type" not found (row 1, the closest to the
// header); nearest headers found: ["Library type"]`. Other headers that row lacks are named in
// Detail. Errors other than a *sheets.HeaderError are returned as they are.
func HeaderLayoutError(file string, err error) error {
	var he *sheets.HeaderError
	if !errors.As(err, &he) {
		return err
	}
	le := &LayoutError{File: file, Sheet: he.Sheet, Err: he}
	if len(he.Missing) > 0 {
		le.Expected = he.Missing[0]
	}
	if he.Row == 0 {
		le.Detail = "the sheet has no rows"
		return le
	}
	le.Row, le.Closest = he.Row, true
	wanted := map[string]bool{}
	for _, w := range he.Want {
		wanted[w] = true
	}
	var others []string
	for _, p := range he.Present {
		if !wanted[p] {
			others = append(others, p)
		}
	}
	le.Nearest = Nearest(le.Expected, others, 3)
	if len(he.Missing) > 1 {
		le.Detail = fmt.Sprintf("row %d also lacks %q", he.Row, he.Missing[1:])
	}
	if he.Found() == 0 {
		le.Row, le.Closest = 0, false
		scope := "any row"
		if he.MaxRows > 0 {
			scope = fmt.Sprintf("the first %d rows", he.MaxRows)
		}
		le.Detail = fmt.Sprintf("no row in %s holds any of %q", scope, he.Want)
	}
	return le
}

// CloserHeader returns whichever of two errors of sheets.FindHeader came closer to the header
// (more of the wanted texts in one row; a on a tie), for a reader that looks for its header on
// several sheets and reports the nearest miss. Either may be nil or another error, which loses.
func CloserHeader(a, b error) error {
	var ha, hb *sheets.HeaderError
	switch {
	case !errors.As(b, &hb):
		return a
	case !errors.As(a, &ha) || hb.Found() > ha.Found() || ha.Row == 0 && hb.Row > 0:
		return b
	}
	return a
}

// Text returns the trimmed text of the named column in a row ("" when absent or beyond the row).
func (c Columns) Text(row []sheets.Cell, name string) string {
	i, ok := c[name]
	if !ok || i < 0 || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i].Value)
}

// Index returns the column index of name, or -1.
func (c Columns) Index(name string) int {
	if i, ok := c[name]; ok {
		return i
	}
	return -1
}

// Nearest returns up to n of the candidates closest to want by edit distance (case-insensitive),
// best first. A candidate is left out when it is further than half of want's length (at least 3
// edits), unless one of the two holds the other as whole words ("Type" and "Library type"): a
// renamed header is often the old one with a word added or dropped.
func Nearest(want string, candidates []string, n int) []string {
	type scored struct {
		s string
		d int
	}
	w := strings.ToLower(want)
	var out []scored
	seen := map[string]bool{}
	for _, c := range candidates {
		if seen[c] {
			continue
		}
		seen[c] = true
		lc := strings.ToLower(c)
		d := levenshtein(w, lc)
		if d <= max(len(w)/2, 3) || containsWords(lc, w) || containsWords(w, lc) {
			out = append(out, scored{c, d})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].d < out[j].d })
	res := []string{}
	for i := 0; i < len(out) && i < n; i++ {
		res = append(res, out[i].s)
	}
	return res
}

// containsWords reports whether s holds sub (at least 3 letters) starting and ending at word
// boundaries.
func containsWords(s, sub string) bool {
	if utf8.RuneCountInString(sub) < 3 || len(sub) >= len(s) {
		return false
	}
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	for i := 0; i+len(sub) <= len(s); {
		j := strings.Index(s[i:], sub)
		if j < 0 {
			return false
		}
		at, end := i+j, i+j+len(sub)
		before, _ := utf8.DecodeLastRuneInString(s[:at])
		after, _ := utf8.DecodeRuneInString(s[end:])
		if (at == 0 || !word(before)) && (end == len(s) || !word(after)) {
			return true
		}
		_, size := utf8.DecodeRuneInString(s[at:])
		i = at + size
	}
	return false
}

// EditDistance returns the Levenshtein distance between a and b, counted in runes (case matters:
// lower both to ignore it).
func EditDistance(a, b string) int { return levenshtein(a, b) }

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
