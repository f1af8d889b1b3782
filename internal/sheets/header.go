package sheets

import (
	"fmt"
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
// When no row matches, the error wraps ErrHeaderNotFound and names the
// sheet, the wanted texts and the closest row with the texts it lacked; an
// error of rows itself is returned as it is.
func FindHeader(rows Rows, maxRows int, want ...string) (rowNumber int, header []Cell, err error) {
	wanted := make([]string, len(want))
	for i, w := range want {
		wanted[i] = NormalizeHeader(w)
	}
	have := make(map[string]bool)
	bestRow, bestHits := 0, -1
	var bestMissing []string
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
			bestRow, bestHits, bestMissing = rows.Number(), hits, missing
		}
	}
	if err := rows.Err(); err != nil {
		return 0, nil, err
	}
	where := "sheet"
	if s, ok := rows.(interface{ where() string }); ok {
		where = s.where()
	}
	if bestHits < 0 {
		return 0, nil, fmt.Errorf("finding header %q in %s: %w: the sheet has no rows", wanted, where, ErrHeaderNotFound)
	}
	scope := "any row"
	if maxRows > 0 {
		scope = fmt.Sprintf("the first %d rows", maxRows)
	}
	return 0, nil, fmt.Errorf("finding header %q in %s: %w in %s; closest is row %d, lacking %q",
		wanted, where, ErrHeaderNotFound, scope, bestRow, bestMissing)
}
