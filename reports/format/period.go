package format

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Month reads "March 2024".
func Month(t time.Time) string { return t.Format("January 2006") }

// MidYear reads a population estimate's reference date: "mid-2023".
func MidYear(year int) string { return "mid-" + strconv.Itoa(year) }

// FinancialYear returns the financial year (April to March) a date falls in: "2023-24".
func FinancialYear(t time.Time) string {
	y := t.Year()
	if t.Month() < time.April {
		y--
	}
	return fmt.Sprintf("%d-%02d", y, (y+1)%100)
}

// FinancialYearStart parses "2023-24" (or "2023/24") and returns its first year, 2023.
func FinancialYearStart(fy string) (int, bool) {
	fy = strings.TrimSpace(fy)
	if len(fy) != 7 || (fy[4] != '-' && fy[4] != '/') {
		return 0, false
	}
	y, err := strconv.Atoi(fy[:4])
	if err != nil {
		return 0, false
	}
	next, err := strconv.Atoi(fy[5:])
	if err != nil || next != (y+1)%100 {
		return 0, false
	}
	return y, true
}

// Range reads an inclusive span of whole months as people write it: "April 2023 to March 2024",
// "April to June 2024" within one year, "March 2024" for a single month. A span that is exactly
// one financial year reads "2023-24"; exactly one calendar year, "2023".
func Range(start, end time.Time) string {
	switch {
	case sameMonth(start, end):
		return Month(start)
	case start.Month() == time.April && start.Day() == 1 && end.Month() == time.March && end.Year() == start.Year()+1 && lastDay(end):
		return FinancialYear(start)
	case start.Month() == time.January && start.Day() == 1 && end.Month() == time.December && end.Year() == start.Year() && lastDay(end):
		return strconv.Itoa(start.Year())
	case start.Year() == end.Year():
		return start.Format("January") + " to " + Month(end)
	}
	return Month(start) + " to " + Month(end)
}

// Period reads a period of a given grain ("month", "quarter", "year", "year_to_date", "point",
// "financial_year"): a month is "March 2024", a quarter "April to June 2024", a financial year
// "2023-24", a year to date "April to September 2024", a point in time "at 31 March 2024".
func Period(start, end time.Time, grain string) string {
	switch grain {
	case "month":
		return Month(start)
	case "point":
		return "at " + end.Format("2 January 2006")
	case "financial_year":
		return FinancialYear(start)
	}
	if end.IsZero() {
		return "from " + Month(start)
	}
	return Range(start, end)
}

// Comparable reports whether two periods can be set against each other: the same grain and the
// same length, and for months and quarters the same calendar months (March with March, never
// March with April).
func Comparable(aStart, aEnd, bStart, bEnd time.Time) bool {
	if months(aStart, aEnd) != months(bStart, bEnd) {
		return false
	}
	if months(aStart, aEnd) < 12 {
		return aStart.Month() == bStart.Month()
	}
	return true
}

// months counts the whole months an inclusive span covers.
func months(start, end time.Time) int {
	return (end.Year()-start.Year())*12 + int(end.Month()-start.Month()) + 1
}

func sameMonth(a, b time.Time) bool { return a.Year() == b.Year() && a.Month() == b.Month() }

func lastDay(t time.Time) bool { return t.AddDate(0, 0, 1).Day() == 1 }
