// Package format turns Cornerstone's numbers, periods and keys into the words people read: one
// place, so text, tables, chart axes, alt text and CSV headers always agree.
//
// Numbers use thousands separators ("12,345"); money is "£8.30", "£12,345" or, compact, "£1.7m";
// percentages keep one decimal ("45.9%"); a difference between two rates is in percentage points;
// negative values carry a true minus sign (U+2212): "−£1.41", "−3.2%". Periods read as people
// write them: "2023-24", "April 2023 to March 2024", "March 2024", "mid-2023"; never ISO ranges.
// Keys (snake_case measure names, service lines, tiers) become plain English through one label
// table (labels.csv).
package format

import (
	"math"
	"strconv"
	"strings"
)

// Minus is the minus sign used for negative values (U+2212), not a hyphen.
const Minus = "\u2212"

// NoData is what a missing value reads as.
const NoData = "no data"

// Number formats v with thousands separators and at most decimals decimals, trailing zeros
// dropped ("1,234", "12.5", "−3"). NaN and infinities read as NoData.
func Number(v float64, decimals int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return NoData
	}
	s := strconv.FormatFloat(math.Abs(v), 'f', decimals, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return sign(v, s) + group(s)
}

// Count formats a whole number of things: "12,345".
func Count(v float64) string { return Number(math.Round(v), 0) }

// Money formats pounds for text and tables: pence shown below £1,000 ("£8.30", "£0.45"), whole
// pounds with separators above ("£12,345"), negative as "−£1.41".
func Money(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return NoData
	}
	a := math.Abs(v)
	var s string
	if math.Round(a*100) < 100000 {
		s = strconv.FormatFloat(a, 'f', 2, 64)
	} else {
		s = strconv.FormatFloat(a, 'f', 0, 64)
	}
	return sign(v, s) + "£" + group(s)
}

// MoneyCompact formats large sums the way headlines do: "£1.7m", "£2.3bn", "£450k" (below £1,000
// as Money). Used for axis ticks and chart labels where space is short.
func MoneyCompact(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return NoData
	}
	a := math.Abs(v)
	var s string
	switch {
	case a >= 1e9:
		s = trim(strconv.FormatFloat(a/1e9, 'f', 1, 64)) + "bn"
	case a >= 1e6:
		s = trim(strconv.FormatFloat(a/1e6, 'f', 1, 64)) + "m"
	case a >= 1e4:
		s = trim(strconv.FormatFloat(a/1e3, 'f', 0, 64)) + "k"
	default:
		return Money(v)
	}
	return sign(v, s) + "£" + s
}

// Percent formats a value already in percent (45.94 -> "45.9%").
func Percent(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return NoData
	}
	return Number(v, 1) + "%"
}

// Share formats a fraction as a percentage (0.4594 -> "45.9%").
func Share(f float64) string { return Percent(f * 100) }

// SignedShare formats a fractional change with its sign: "+4.5%", "−31%", "0%".
func SignedShare(f float64) string {
	s := Share(f)
	if f*1000 >= 0.5 {
		return "+" + s
	}
	return s
}

// Points formats a difference between two rates in percentage points, unsigned:
// "23.1 percentage points" ("1 percentage point" in the singular).
func Points(d float64) string {
	s := Number(math.Abs(d), 1)
	if s == "1" {
		return s + " percentage point"
	}
	return s + " percentage points"
}

// sign returns the minus sign for a negative value whose rendering s is not zero.
func sign(v float64, s string) string {
	if v < 0 && strings.Trim(s, "0.") != "" {
		return Minus
	}
	return ""
}

// trim drops trailing zeros after a decimal point.
func trim(s string) string {
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// group inserts thousands separators into an unsigned decimal string.
func group(s string) string {
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if len(intPart) <= 3 {
		return s
	}
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}
