package format

import (
	"regexp"
	"strconv"
	"strings"
)

// Value formats v in the given unit for text and tables, carrying the unit's symbol where it has
// one: money units ("£", "£ per resident", "£ per visit") read "£8.30" or "£12,345"; percent
// units ("%", "% of adults", "% change in real terms") "45.9%"; pence "42.1p"; indexes and rates
// one decimal; counts ("", "people", "count", "visits") whole numbers with separators.
func Value(v float64, unit string) string {
	switch kindOf(unit) {
	case money:
		return Money(v)
	case percent:
		return Percent(v)
	case pence:
		if s := Number(v, 1); s != NoData {
			return s + "p"
		}
		return NoData
	case count:
		if v == float64(int64(v)) || v >= 100 || v <= -100 {
			return Count(v)
		}
		return Number(v, 1)
	}
	if v >= 1000 || v <= -1000 {
		return Count(v)
	}
	return Number(v, 1)
}

// Compact formats v for an axis tick or a bar label, where space is short: money "£1.7m",
// percentages "45%", large counts "1.2m" / "450k".
func Compact(v float64, unit string) string {
	switch kindOf(unit) {
	case money:
		return MoneyCompact(v)
	case percent:
		return Percent(v)
	case pence:
		return Value(v, unit)
	}
	a := v
	if a < 0 {
		a = -a
	}
	switch {
	case a >= 1e6:
		return Number(v/1e6, 1) + "m"
	case a >= 1e4:
		return Number(v/1e3, 0) + "k"
	}
	return Value(v, unit)
}

// WithUnit formats v followed by its unit where the symbol does not already say it:
// "2,345 visits per 1,000 residents", "£8.30 per resident", "45.9% of adults".
func WithUnit(v float64, unit string) string {
	s := Value(v, unit)
	if s == NoData {
		return s
	}
	u := Unit(unit)
	switch kindOf(unit) {
	case money:
		u = strings.TrimSpace(strings.TrimPrefix(u, "£"))
	case percent:
		u = strings.TrimSpace(strings.TrimPrefix(u, "%"))
	case pence:
		u = strings.TrimSpace(strings.TrimPrefix(u, "pence"))
	case count:
		u = "" // a count's unit is the thing counted, named by the title or axis
	}
	if u == "" {
		return s
	}
	return s + " " + u
}

// Unit returns a unit as people read it: numbers in it get separators ("visits per 1000
// residents" -> "visits per 1,000 residents").
func Unit(unit string) string {
	return digits.ReplaceAllStringFunc(unit, func(d string) string {
		n, err := strconv.ParseFloat(d, 64)
		if err != nil {
			return d
		}
		return Count(n)
	})
}

var digits = regexp.MustCompile(`\d{4,}`)

type unitKind int

const (
	other unitKind = iota
	money
	percent
	pence
	count
)

func kindOf(unit string) unitKind {
	u := strings.TrimSpace(strings.ToLower(unit))
	switch {
	case strings.HasPrefix(u, "£"), u == "gbp", strings.HasPrefix(u, "gbp "):
		return money
	case strings.HasPrefix(u, "%"), strings.HasPrefix(u, "percent"):
		return percent
	case strings.HasPrefix(u, "pence"):
		return pence
	case u == "", u == "count", u == "people", u == "visits", u == "residents", u == "awards", u == "number":
		return count
	}
	return other
}
