package mhclg

import (
	"sort"
	"strings"
	"unicode"

	"github.com/cornerstone-data/cornerstone/sources"
)

// Suggesting the headers nearest a missing RO5 header. A header is a service and a measure
// ("Open spaces - Parks and open spaces - Employees (C1)"); a renamed header keeps one of the two
// and changes the other a little. Comparing whole headers by edit distance puts short unrelated
// headers with the same measure ("Water safety - Employees (C1)") and the same line's other
// measures ahead of the renamed one, so the two parts are compared separately.

// minSuggestScore is the least score (service similarity plus measure similarity, each 0..1)
// of a suggestion: one part the same and the other at least half alike.
const minSuggestScore = 1.5

// suggestHeaders returns up to n of the file's headers nearest the missing header made of
// service and measure, best first: by the similarity of their service to service plus that of
// their measure to measure. Headers of another line the catalogue knows are left out (they were
// matched, so they are not the missing one renamed), and so is any header too unlike both parts.
// twoLevel headers are "<service> / <measure>", flat ones "<service> - <measure>".
func suggestHeaders(service, measure string, headers []string, twoLevel bool, n int) []string {
	wantLine := ro5Catalogue.line(service)
	type scored struct {
		h     string
		score float64
	}
	var out []scored
	seen := map[string]bool{}
	for _, h := range headers {
		if seen[h] {
			continue
		}
		seen[h] = true
		svc, meas := splitHeader(h, twoLevel)
		if l := ro5Catalogue.line(svc); l != "" && l != wantLine {
			continue
		}
		if s := similarity(service, svc) + similarity(measure, meas); s >= minSuggestScore {
			out = append(out, scored{h, s})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	res := []string{}
	for i := 0; i < len(out) && i < n; i++ {
		res = append(res, out[i].h)
	}
	return res
}

// splitHeader splits a header into its service and measure: a known measure at the end of a flat
// header, else the text after the last separator ("" when there is none).
func splitHeader(h string, twoLevel bool) (service, measure string) {
	if twoLevel {
		if i := strings.LastIndex(h, " / "); i >= 0 {
			return h[:i], h[i+3:]
		}
		return h, ""
	}
	if svc, meas, _, ok := flatMeasure(h); ok {
		return svc, meas
	}
	if i := strings.LastIndex(h, " - "); i >= 0 {
		return h[:i], h[i+3:]
	}
	return h, ""
}

// similarity of two header parts, 0 (nothing alike) to 1 (the same): the better of their edit
// similarity (1 - distance / the longer length, ignoring case) and their word overlap (the
// share of the shorter part's words found in the other, a word matching one that shares its
// first five letters: "Libraries" and "Library"; "and", "&" and "of" are not words).
func similarity(a, b string) float64 {
	la, lb := strings.ToLower(a), strings.ToLower(b)
	if la == lb {
		return 1
	}
	longest := max(len([]rune(la)), len([]rune(lb)))
	edit := 0.0
	if longest > 0 {
		edit = 1 - float64(sources.EditDistance(la, lb))/float64(longest)
	}
	wa, wb := words(la), words(lb)
	if len(wa) == 0 || len(wb) == 0 {
		return edit
	}
	if len(wa) > len(wb) {
		wa, wb = wb, wa
	}
	found := 0
	for _, x := range wa {
		for _, y := range wb {
			if sameWord(x, y) {
				found++
				break
			}
		}
	}
	return max(edit, float64(found)/float64(len(wa)))
}

var stopWords = map[string]bool{"and": true, "of": true, "the": true, "including": true, "incl": true}

func words(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if !stopWords[w] {
			out = append(out, w)
		}
	}
	return out
}

func sameWord(a, b string) bool {
	if a == b {
		return true
	}
	const stem = 5
	return len(a) >= stem && len(b) >= stem && a[:stem] == b[:stem]
}
