package sources

import (
	"sort"
	"strings"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
)

// Columns maps header texts to column indexes. Headers are compared exactly after
// sheets.NormalizeHeader (trimmed, whitespace and newlines collapsed), never by position or by
// splitting on separators.
type Columns map[string]int

// MatchColumns finds every required header in the header row. A missing one is a *LayoutError that
// names the file, the sheet, the header expected and the nearest headers present; optional headers
// map to -1 when absent.
func MatchColumns(file, sheet string, header []sheets.Cell, required, optional []string) (Columns, error) {
	have := map[string]int{}
	var texts []string
	for i, c := range header {
		t := sheets.NormalizeHeader(c.Value)
		if t == "" {
			continue
		}
		if _, dup := have[t]; !dup {
			have[t] = i
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
	return cols, nil
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
// best first; candidates further than half of want's length are left out.
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
		d := levenshtein(w, strings.ToLower(c))
		if d <= max(len(w)/2, 3) {
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
