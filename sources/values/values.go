// Package values parses the numbers, markers and dates publishers put in spreadsheet cells:
// thousands separators, "£" prefixes, "[r]" revision flags, "[note 3]" suffixes, and the markers
// that mean "no value" ([x], [c], [z], [low], .., -, x, ODS error cells). A marker is never read as
// zero: Parse returns ok=false with the reason.
package values

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// ErrNotNumber means a cell holds text that is neither a number nor a known marker.
var ErrNotNumber = errors.New("not a number")

// Number is a parsed cell.
type Number struct {
	Value float64
	// Valid is false when the cell is blank or a marker; Reason then says which.
	Valid bool
	// Reason is "blank", or the marker's meaning ("not available [x]", "confidential [c]", …).
	Reason string
	// Revised is true when the cell carried "[r]".
	Revised bool
	// Note holds any "[note N]" text stripped from the cell.
	Note string
}

var markers = map[string]string{
	"[x]": "not available [x]", "x": "not available [x]", "[c]": "confidential [c]", "c": "confidential [c]",
	"[z]": "not applicable [z]", "z": "not applicable [z]", "[low]": "rounds to zero [low]", "[u]": "unreliable [u]",
	"..": "unknown (..)", "...": "unknown (..)", "-": "nil or not reported (-)", "–": "nil or not reported (-)",
	"—": "nil or not reported (-)", "n/a": "not applicable (n/a)", "na": "not applicable (n/a)", ":": "not available (:)",
	"#n/a": "error cell #N/A", "#ref!": "error cell #REF!", "#value!": "error cell #VALUE!", "#div/0!": "error cell #DIV/0!",
	"#name?": "error cell #NAME?", "#num!": "error cell #NUM!", "#null!": "error cell #NULL!", "err:502": "error cell Err:502",
	"[b]": "break in series [b]",
}

var (
	noteRe    = regexp.MustCompile(`(?i)\s*\[\s*note\s*\d+\s*\]`)
	revisedRe = regexp.MustCompile(`(?i)\s*\[r\]`)
	numberRe  = regexp.MustCompile(`^[-+]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][-+]?\d+)?$`)
)

// Parse reads a cell's text as a number. Blank text and markers give Valid=false with a Reason;
// anything else that is not a number is ErrNotNumber. "£217,000", "4,256,452 [r]", "(1,234)"
// (accounting negative), "12.5%" (returned as 12.5 with Reason "percent") and "1.2E+05" are numbers.
func Parse(text string) (Number, error) {
	if v, ok := plainDecimal(text); ok {
		return Number{Value: v, Valid: true}, nil
	}
	return parseGeneral(text)
}

// parseGeneral is Parse for any text.
func parseGeneral(text string) (Number, error) {
	var n Number
	s := strings.TrimSpace(strings.ReplaceAll(text, "\u00a0", " "))
	if loc := noteRe.FindAllString(s, -1); len(loc) > 0 {
		n.Note = strings.TrimSpace(strings.Join(loc, " "))
		s = strings.TrimSpace(noteRe.ReplaceAllString(s, ""))
	}
	if revisedRe.MatchString(s) {
		n.Revised = true
		s = strings.TrimSpace(revisedRe.ReplaceAllString(s, ""))
	}
	if s == "" {
		n.Reason = "blank"
		return n, nil
	}
	if r, ok := markers[strings.ToLower(s)]; ok {
		n.Reason = r
		return n, nil
	}
	neg := false
	if strings.HasPrefix(s, "(") && strings.HasSuffix(s, ")") {
		neg = true
		s = strings.TrimSpace(s[1 : len(s)-1])
	}
	percent := strings.HasSuffix(s, "%")
	s = strings.TrimSuffix(s, "%")
	s = strings.TrimPrefix(s, "£")
	s = strings.TrimPrefix(s, "-£")
	if strings.HasPrefix(strings.TrimSpace(text), "-£") {
		neg = !neg
	}
	s = strings.ReplaceAll(s, " ", "")
	if !numberRe.MatchString(s) || s == "" || s == "." || s == "-" || s == "+" {
		return n, fmt.Errorf("%q: %w", text, ErrNotNumber)
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return n, fmt.Errorf("%q: %w", text, ErrNotNumber)
	}
	if neg {
		v = -v
	}
	n.Value, n.Valid = v, true
	if percent {
		n.Reason = "percent"
	}
	return n, nil
}

// plainDecimal reads the commonest cell, an optionally signed decimal of ASCII digits with no
// spaces, grouping or exponent ("1234", "-3.5", ".5"), exactly as the rest of Parse would, without
// its regular expressions; ok is false for anything else (Parse then takes the general path).
func plainDecimal(text string) (float64, bool) {
	i, digits := 0, 0
	if i < len(text) && (text[i] == '-' || text[i] == '+') {
		i++
	}
	for i < len(text) && '0' <= text[i] && text[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(text) && text[i] == '.' {
		i++
		frac := 0
		for i < len(text) && '0' <= text[i] && text[i] <= '9' {
			i, frac = i+1, frac+1
		}
		if frac == 0 {
			return 0, false
		}
		digits += frac
	}
	if i != len(text) || digits == 0 {
		return 0, false
	}
	v, err := strconv.ParseFloat(text, 64)
	if err != nil {
		return 0, false
	}
	return v, true
}

// Int parses a whole number (a count). Fractions are ErrNotNumber; markers and blanks are ok=false.
func Int(text string) (v int64, ok bool, err error) {
	n, err := Parse(text)
	if err != nil || !n.Valid {
		return 0, false, err
	}
	if n.Value != math.Trunc(n.Value) || math.Abs(n.Value) > 1<<53 {
		return 0, false, fmt.Errorf("%q: %w (want a whole number)", text, ErrNotNumber)
	}
	return int64(n.Value), true, nil
}

// StripNotes removes "[note N]" markers and surrounding space from a label and returns the notes.
func StripNotes(label string) (clean, notes string) {
	found := noteRe.FindAllString(label, -1)
	clean = strings.TrimSpace(noteRe.ReplaceAllString(label, ""))
	for i := range found {
		found[i] = strings.TrimSpace(found[i])
	}
	return clean, strings.Join(found, " ")
}
