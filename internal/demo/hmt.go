package demo

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"strconv"
	"time"
)

// DeflatorsCollection is the GOV.UK collection the hmt-gdp-deflators source discovers from.
const DeflatorsCollection = "/government/collections/gdp-deflators-at-market-prices-and-money-gdp"

// Demo deflator series: financial years DeflatorsFirst-(+1) to DeflatorsLast-(+1), base
// DeflatorsBase-(+1) = 100, forecasts from DeflatorsForecastFrom.
const (
	DeflatorsFirst        = 2009
	DeflatorsLast         = 2026
	DeflatorsBase         = 2023
	DeflatorsForecastFrom = 2025
	// DeflatorsFile is the demo release's workbook, named as HM Treasury names them.
	DeflatorsFile = "GDP_Deflators_Qtrly_National_Accounts_September_2025_update.xlsx"
)

// DemoDeflator returns the demo GDP deflator of the financial year starting in April of year
// (DeflatorsBase = 100, rising about 2% a year), rounded to 3 decimals as published.
func DemoDeflator(year int) float64 {
	idx := 100.0
	for y := DeflatorsBase + 1; y <= year; y++ {
		idx *= 1 + deflatorGrowth(y)
	}
	for y := DeflatorsBase; y > year; y-- {
		idx /= 1 + deflatorGrowth(y)
	}
	return math.Round(idx*1000) / 1000
}

// deflatorGrowth is the synthetic growth into year: 1.2% to 3.2%.
func deflatorGrowth(year int) float64 {
	return 0.012 + 0.02*hash01("gdp-deflator", strconv.Itoa(year))
}

func fyLabel(y int) string { return fmt.Sprintf("%d-%02d", y, (y+1)%100) }

// deflatorRows lays out the release as HM Treasury does: title rows, then the financial-year
// table (year, deflator, per cent change, money GDP, per cent change, seasonally adjusted money
// GDP) with the calendar-year table beside it, forecast years marked "(1)" and explained in a
// footnote below.
func deflatorRows() [][]any {
	rows := [][]any{
		{"GDP deflators at market prices, and money GDP"},
		{"September 2025 (Quarterly National Accounts)"},
		{Label},
		{},
		{nil, "Financial year", fmt.Sprintf("GDP deflator at market prices (%s = 100)", fyLabel(DeflatorsBase)), "per cent change on previous year",
			"Money GDP (£ million)", "per cent change on previous year", "Money GDP (£ million) seasonally adjusted", nil,
			"Calendar year", fmt.Sprintf("GDP deflator at market prices (%d = 100)", DeflatorsBase), "per cent change on previous year",
			"Money GDP (£ million)", "per cent change on previous year"},
	}
	money := func(y int) float64 {
		volume := 2_400_000 * math.Pow(1.015, float64(y-DeflatorsBase))
		return math.Round(volume * DemoDeflator(y) / 100)
	}
	pct := func(a, b float64) any { return math.Round((b/a-1)*1000) / 10 }
	for y := DeflatorsFirst; y <= DeflatorsLast; y++ {
		label, cal := fyLabel(y), strconv.Itoa(y)
		if y >= DeflatorsForecastFrom {
			label += " (1)"
			cal += " (1)"
		}
		var dp, mp any = "", ""
		if y > DeflatorsFirst {
			dp, mp = pct(DemoDeflator(y-1), DemoDeflator(y)), pct(money(y-1), money(y))
		}
		// The calendar year's deflator is the average of the financial years it straddles.
		calDef := math.Round((DemoDeflator(y-1)+3*DemoDeflator(y))/4*1000) / 1000
		rows = append(rows, []any{nil, label, DemoDeflator(y), dp, money(y), mp, money(y) + 1_000, nil,
			cal, calDef, dp, math.Round(money(y) * 0.99), mp})
	}
	return append(rows,
		[]any{},
		[]any{"Footnotes"},
		[]any{"(1) Forecast: Office for Budget Responsibility, Economic and fiscal outlook, March 2025. " + Label},
		[]any{"Source: ONS series L8GG (financial years), MNF2 (calendar years), BKTL and YBHA (money GDP)."},
	)
}

func (g *generator) hmt(s *Sample) error {
	rows := deflatorRows()
	body, err := writeXLSX([]sheet{{Name: "GDP Deflators", Rows: rows}})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, r := range rows {
		rec := make([]string, len(r))
		for i, v := range r {
			switch x := v.(type) {
			case nil:
			case float64:
				rec[i] = strconv.FormatFloat(x, 'f', -1, 64)
			default:
				rec[i] = fmt.Sprint(x)
			}
		}
		if err := w.Write(rec); err != nil {
			return err
		}
	}
	w.Flush()
	published := time.Date(2025, 9, 30, 9, 30, 0, 0, time.UTC)
	page := "/government/statistics/gdp-deflators-at-market-prices-and-money-gdp-september-2025-quarterly-national-accounts"
	title := "GDP deflators at market prices, and money GDP September 2025 (Quarterly National Accounts)"
	if err := s.AddGovukPage(page, title, published, []GovukAttachment{
		{Title: "GDP deflators at market prices, and money GDP September 2025 (Quarterly National Accounts)", File: DeflatorsFile, ContentType: ctXLSX, Body: body},
		{Title: "GDP deflators at market prices, and money GDP September 2025 (CSV)", File: "GDP_Deflators_Qtrly_National_Accounts_September_2025_update.csv", ContentType: ctCSV, Body: buf.Bytes()},
	}); err != nil {
		return err
	}
	return s.AddGovukCollection(DeflatorsCollection, "GDP deflators at market prices, and money GDP", []GovukDocument{{BasePath: page, Title: title, Updated: published}})
}
