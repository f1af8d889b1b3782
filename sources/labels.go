package sources

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/cornerstone-data/cornerstone/internal/safetext"
)

// Bounds of a release's labels, in bytes.
const (
	// MaxLabel bounds a dataset or vintage ("mid-2024", "2023-24", "usage-E06000001 2025-04-30").
	MaxLabel = 200
	// MaxTitle bounds a release title.
	MaxTitle = 1000
)

// ErrBadLabel means a dataset, vintage or title is empty where one is needed, too long, or holds
// control characters, line breaks or characters that reorder text; see *LabelError.
var ErrBadLabel = errors.New("bad release label")

// LabelError reports a dataset, vintage or title that CheckLabel refused. It matches ErrBadLabel.
type LabelError struct {
	Field string // "dataset", "vintage" or "title"
	Value string
	Why   string
}

func (e *LabelError) Error() string {
	return fmt.Sprintf("%s %q: %s", e.Field, safetext.Value(e.Value), e.Why)
}

// Unwrap returns ErrBadLabel.
func (e *LabelError) Unwrap() error { return ErrBadLabel }

// CheckLabel checks one label of a release (field names it in the error): valid UTF-8, no leading or
// trailing space, at most max bytes, and no control character (newline, tab and escape included),
// line or paragraph separator, or Unicode format character (the bidirectional overrides, zero-width
// characters). An empty value passes: it means "not given".
func CheckLabel(field, value string, max int) error {
	fail := func(why string) error { return &LabelError{Field: field, Value: value, Why: why} }
	switch {
	case value == "":
		return nil
	case !utf8.ValidString(value):
		return fail("not valid UTF-8")
	case len(value) > max:
		return fail(fmt.Sprintf("longer than %d bytes (%d)", max, len(value)))
	case strings.TrimSpace(value) != value:
		return fail("starts or ends with a space")
	}
	for _, r := range value {
		if unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp, unicode.Cf) {
			return fail(fmt.Sprintf("holds the control or format character %U", r))
		}
	}
	return nil
}

// Validate checks the labels given on the command line (--dataset, --vintage, --title) with
// CheckLabel.
func (o Options) Validate() error {
	return errors.Join(CheckLabel("--dataset", o.Dataset, MaxLabel), CheckLabel("--vintage", o.Vintage, MaxLabel),
		CheckLabel("--title", o.Title, MaxTitle))
}

// checkIdentity checks the dataset and vintage a release was identified by (from discovery or its
// own file: a council's return names its release from its cells) and tidies its title: runs of
// spaces, control and format characters become one space, and it is clipped to MaxTitle bytes.
func checkIdentity(rel *Release) error {
	rel.Title = tidyTitle(rel.Title)
	return errors.Join(CheckLabel("dataset", rel.Dataset, MaxLabel), CheckLabel("vintage", rel.Vintage, MaxLabel))
}

func tidyTitle(s string) string {
	if CheckLabel("title", s, MaxTitle) == nil {
		return s
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.In(r, unicode.Zl, unicode.Zp, unicode.Cf) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
	return safetext.Clip(strings.Join(strings.Fields(s), " "), MaxTitle)
}
