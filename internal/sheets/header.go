package sheets

import (
	"strings"
	"unicode"
)

// NormalizeHeader returns s trimmed, with newlines, tabs, non-breaking and
// other Unicode spaces replaced by a space, zero-width spaces and byte order
// marks removed, and runs of spaces collapsed to one:
// "Type of organisation\n(NPO/IPSO/Transfer)" becomes
// "Type of organisation (NPO/IPSO/Transfer)". Case is kept.
func NormalizeHeader(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\u200B' || r == '\uFEFF':
			continue
		case unicode.IsSpace(r) || r == '\u2007' || r == '\u202F':
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// FindHeader reads rows until it finds the first row holding every one of
// the wanted texts, each equal to some cell's text after NormalizeHeader on
// both sides (case-sensitive, whole cell), and returns that row's number and
// a copy of its cells. It examines at most maxRows rows (the non-empty rows
// Rows returns; maxRows <= 0 means no limit). On success rows is positioned
// on the header, so the next call to Next reads the first row below it.
//
// When no row matches, the error is a *HeaderError (matching
// ErrHeaderNotFound) naming the sheet, the wanted texts and the closest row
// with the texts it lacked and the texts it held; an error of rows itself
// is returned as it is.
func FindHeader(rows Rows, maxRows int, want ...string) (rowNumber int, header []Cell, err error) {
	wanted := make([]string, len(want))
	for i, w := range want {
		wanted[i] = NormalizeHeader(w)
	}
	have := make(map[string]bool)
	herr := &HeaderError{Want: wanted, MaxRows: max(maxRows, 0)}
	if s, ok := rows.(interface{ fileSheet() (string, string) }); ok {
		herr.File, herr.Sheet = s.fileSheet()
	}
	bestHits := -1
	for seen := 0; maxRows <= 0 || seen < maxRows; seen++ {
		if !rows.Next() {
			break
		}
		row := rows.Row()
		clear(have)
		for _, c := range row {
			if c.Kind != Empty {
				have[NormalizeHeader(c.Value)] = true
			}
		}
		var missing []string
		for _, w := range wanted {
			if !have[w] {
				missing = append(missing, w)
			}
		}
		if len(missing) == 0 {
			return rows.Number(), append([]Cell(nil), row...), nil
		}
		if hits := len(wanted) - len(missing); hits > bestHits {
			bestHits = hits
			herr.Row, herr.Missing, herr.Present = rows.Number(), missing, herr.Present[:0]
			for _, c := range row {
				if t := NormalizeHeader(c.Value); c.Kind != Empty && t != "" {
					herr.Present = append(herr.Present, t)
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		return 0, nil, err
	}
	if herr.Row == 0 {
		herr.Missing = wanted
	}
	return 0, nil, herr
}
