// Package mhclg holds the Ministry of Housing, Communities and Local Government sources:
//
//   - mhclg-revenue-outturn: every council's revenue outturn on cultural, environmental,
//     regulatory and planning services (the RO5 return) from 2010-11 to the newest year, each first
//     release and revision kept as its own vintage, read from the per-authority workbooks in every
//     layout they have had (the flat header of 2024-25, the two-level header of 2018-19 to
//     2023-24, the three-sheet .xls of 2013-14), and the Revenue Outturn multi-year time series
//     (CSV, 2017-18 onwards) with its metadata workbook as the column dictionary;
//   - mhclg-revenue-budget: the Revenue Account budget (RA) per authority for the current and the
//     previous year, so reports can set budgets beside outturn;
//   - imd: the English Indices of Deprivation (imd.go).
//
// Releases are discovered through the GOV.UK Content API (collection page, release pages,
// details.attachments): asset URLs change on every correction and are never written down here.
//
// Headers are matched by their exact published text. Service names themselves contain " - "
// ("Culture and heritage - Archives"), so a flat header such as
// "Culture and heritage - Archives - Employees (C1)" is read by recognising the known measure at
// its end, never by splitting on " - ". A required header that is missing or renamed fails the
// load with a *sources.LayoutError naming the file, the sheet, the header expected and the nearest
// headers found; nothing is loaded. Values are published in £ thousand and kept so in raw tables
// (value_thousand, unit); markers ([x], [c], .., -, error cells) are NULL with the reason, never
// zero. The SQL models (core.spend and its checks) convert to pounds.
package mhclg

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/sources/values"
)

func init() {
	registerRevenue()
}

// Publisher and licence of every revenue release.
const (
	Publisher  = "Ministry of Housing, Communities and Local Government"
	Licence    = "Open Government Licence v3.0"
	LicenceURL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
)

// RevenueCollection is the GOV.UK collection listing every revenue outturn and budget release.
const RevenueCollection = "/government/collections/local-authority-revenue-expenditure-and-financing"

// UnitThousand is the unit of every value in the published files.
const UnitThousand = "GBP thousand"

// FirstYear is the first financial year the outturn source loads (2010-11).
const FirstYear = 2010

var (
	ecodeRe = regexp.MustCompile(`^E\d{4}$`)
	gssRe   = regexp.MustCompile(`^[EWSNK]\d{8}$`)
	// fyRe finds a financial year written 2024-25, 2024-2025, 2024/25, 2024 to 2025 or 202425.
	fyRe = regexp.MustCompile(`(20\d{2})\s*(?:-|–|/|_)?\s*(?:to)?\s*(?:-|_)?\s*(\d{4}|\d{2})(?:\D|$)`)
)

// FinancialYear returns the first financial year ("2024-25") written in s, or "" when there is
// none. Only consecutive years count, so dates such as 2025-11-27 are not mistaken for one.
func FinancialYear(s string) string {
	for _, m := range fyRe.FindAllStringSubmatch(s, -1) {
		y, _ := strconv.Atoi(m[1])
		n, _ := strconv.Atoi(m[2])
		if (len(m[2]) == 2 && n == (y+1)%100) || (len(m[2]) == 4 && n == y+1) {
			return fmt.Sprintf("%d-%02d", y, (y+1)%100)
		}
	}
	return ""
}

// fyStart returns the first calendar year of a financial year "2024-25".
func fyStart(fy string) int {
	y, _ := strconv.Atoi(fy[:4])
	return y
}

// yearEndingFY converts a time series year_ending (YYYYMM, March: 202503) to "2024-25".
func yearEndingFY(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) != 6 || s[4:] != "03" {
		return "", false
	}
	y, err := strconv.Atoi(s[:4])
	if err != nil || y < 1990 || y > 2200 {
		return "", false
	}
	return fmt.Sprintf("%d-%02d", y-1, y%100), true
}

// vintageOf names a release version: the date the page was last updated, then its stage
// (first-release, provisional, final, revised, outturn…), so vintages sort in publication order.
func vintageOf(updated time.Time, stage string) string {
	return updated.UTC().Format("2006-01-02") + "-" + stage
}

// cellText returns the trimmed text of cell i ("" beyond the row).
func cellText(r []sheets.Cell, i int) string {
	if i < 0 || i >= len(r) {
		return ""
	}
	return strings.TrimSpace(r[i].Value)
}

// norm is a header's text as compared: sheets.NormalizeHeader.
func norm(s string) string { return sheets.NormalizeHeader(s) }

// amount is a parsed value cell: a number in £ thousand, or NULL with the reason.
type amount struct {
	Value  float64
	Valid  bool
	Reason string
}

// parseAmount reads a value cell. Numbers are taken as stored; error cells and markers are NULL
// with their reason; other text is an error.
func parseAmount(c sheets.Cell) (amount, error) {
	switch c.Kind {
	case sheets.Empty:
		return amount{Reason: "blank"}, nil
	case sheets.Number:
		if f, ok := c.Float(); ok {
			return amount{Value: f, Valid: true}, nil
		}
	case sheets.Error:
		n, err := values.Parse(c.Value)
		if err == nil && !n.Valid && n.Reason != "" {
			return amount{Reason: n.Reason}, nil
		}
		return amount{Reason: "error cell " + strings.TrimSpace(c.Value)}, nil
	case sheets.Bool, sheets.Date:
		return amount{}, fmt.Errorf("%q: %w", c.Value, values.ErrNotNumber)
	}
	n, err := values.Parse(c.Value)
	if err != nil {
		return amount{}, err
	}
	if n.Reason == "percent" {
		return amount{}, fmt.Errorf("%q: a percentage where £ thousand was expected: %w", c.Value, values.ErrNotNumber)
	}
	return amount{Value: n.Value, Valid: n.Valid, Reason: n.Reason}, nil
}

// nullable returns v, or nil for "".
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
