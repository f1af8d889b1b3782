package format

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"strings"
)

//go:embed labels.csv
var labelsCSV string

// labels maps domain -> key -> label, read once from labels.csv.
var labels = mustLabels(labelsCSV)

// Domains of the label table.
const (
	SpendLine       = "spend_line"
	SpendMeasure    = "spend_measure"
	LibraryMeasure  = "library_measure"
	LibraryFormat   = "library_format"
	AgeBand         = "age_band"
	PeriodType      = "period_type"
	MuseumGrain     = "museum_grain"
	MuseumCoverage  = "museum_coverage"
	MuseumIndicator = "museum_indicator"
	Tier            = "tier"
)

// Label returns the plain-English name of key in domain from the label table. A key the table
// does not hold is humanised ("active_members" -> "Active members") so no snake_case key ever
// reaches a reader; Known tells the two apart for tests.
func Label(domain, key string) string {
	if l, ok := labels[domain][key]; ok {
		return l
	}
	return Humanize(key)
}

// Known reports whether the label table holds key in domain.
func Known(domain, key string) bool {
	_, ok := labels[domain][key]
	return ok
}

// Humanize turns a snake_case or kebab-case key into words with a capital first letter.
func Humanize(key string) string {
	s := strings.TrimSpace(strings.NewReplacer("_", " ", "-", " ").Replace(key))
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func mustLabels(text string) map[string]map[string]string {
	rows, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		panic(fmt.Sprintf("reading labels.csv: %v", err))
	}
	out := map[string]map[string]string{}
	for i, r := range rows[1:] {
		if len(r) != 3 || r[2] == "" {
			panic(fmt.Sprintf("labels.csv row %d: want domain,key,label", i+2))
		}
		if out[r[0]] == nil {
			out[r[0]] = map[string]string{}
		}
		if _, dup := out[r[0]][r[1]]; dup {
			panic(fmt.Sprintf("labels.csv row %d: %s/%s labelled twice", i+2, r[0], r[1]))
		}
		out[r[0]][r[1]] = r[2]
	}
	return out
}
