package format

import (
	"math"
	"testing"
	"time"
)

func TestNumbers(t *testing.T) {
	cases := []struct{ got, want string }{
		{Money(8.3), "£8.30"},
		{Money(-1.41), "−£1.41"},
		{Money(0.004), "£0.00"},
		{Money(-0.004), "£0.00"},
		{Money(999.996), "£1,000"},
		{Money(12345.6), "£12,346"},
		{Money(8929115), "£8,929,115"},
		{MoneyCompact(1_700_000), "£1.7m"},
		{MoneyCompact(2_340_000_000), "£2.3bn"},
		{MoneyCompact(450_000), "£450k"},
		{MoneyCompact(-1_410_000), "−£1.4m"},
		{MoneyCompact(512), "£512.00"},
		{Percent(45.94), "45.9%"},
		{Percent(-3.2), "−3.2%"},
		{Percent(66), "66%"},
		{Share(0.459), "45.9%"},
		{SignedShare(0.045), "+4.5%"},
		{SignedShare(-0.31), "−31%"},
		{SignedShare(0), "0%"},
		{Points(-23.1), "23.1 percentage points"},
		{Points(1.04), "1 percentage point"},
		{Number(1234567.26, 1), "1,234,567.3"},
		{Count(-12345), "−12,345"},
		{Number(math.NaN(), 1), NoData},
		{Value(8.3, "£ per resident"), "£8.30"},
		{Value(42.14, "pence per resident per week"), "42.1p"},
		{Value(2345.4, "visits per 1000 residents"), "2,345"},
		{Value(12.34, "libraries per 100000 residents"), "12.3"},
		{Value(45.94, "% of adults"), "45.9%"},
		{Value(1234, "people"), "1,234"},
		{WithUnit(2345.4, "visits per 1000 residents"), "2,345 visits per 1,000 residents"},
		{WithUnit(8.3, "£ per resident"), "£8.30 per resident"},
		{WithUnit(45.9, "% of adults"), "45.9% of adults"},
		{WithUnit(12, "count"), "12"},
		{WithUnit(635270, "people"), "635,270"},
		{Compact(1_700_000, "£"), "£1.7m"},
		{Compact(1_234_567, "visits"), "1.2m"},
		{Unit("libraries per 100000 residents"), "libraries per 100,000 residents"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
}

func d(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestPeriods(t *testing.T) {
	cases := []struct{ got, want string }{
		{Range(d("2023-04-01"), d("2024-03-31")), "2023-24"},
		{Range(d("2023-01-01"), d("2023-12-31")), "2023"},
		{Range(d("2024-04-01"), d("2024-06-30")), "April to June 2024"},
		{Range(d("2023-10-01"), d("2024-03-31")), "October 2023 to March 2024"},
		{Range(d("2024-03-01"), d("2024-03-31")), "March 2024"},
		{Period(d("2024-03-01"), d("2024-03-31"), "month"), "March 2024"},
		{Period(d("2024-03-31"), d("2024-03-31"), "point"), "at 31 March 2024"},
		{Period(d("2024-04-01"), time.Time{}, "year_to_date"), "from April 2024"},
		{FinancialYear(d("2024-03-31")), "2023-24"},
		{FinancialYear(d("2024-04-01")), "2024-25"},
		{MidYear(2023), "mid-2023"},
	}
	for i, c := range cases {
		if c.got != c.want {
			t.Errorf("case %d: got %q, want %q", i, c.got, c.want)
		}
	}
	if y, ok := FinancialYearStart("2023-24"); !ok || y != 2023 {
		t.Errorf("FinancialYearStart(2023-24) = %d, %v", y, ok)
	}
	for _, bad := range []string{"2023-25", "2023", "abcd-ef", "2099-00x"} {
		if _, ok := FinancialYearStart(bad); ok {
			t.Errorf("FinancialYearStart(%q) accepted", bad)
		}
	}
	if !Comparable(d("2024-03-01"), d("2024-03-31"), d("2023-03-01"), d("2023-03-31")) {
		t.Error("March 2024 against March 2023 should compare")
	}
	if Comparable(d("2024-03-01"), d("2024-03-31"), d("2024-04-01"), d("2024-04-30")) {
		t.Error("March against April must not compare")
	}
	if Comparable(d("2024-03-01"), d("2024-03-31"), d("2023-04-01"), d("2024-03-31")) {
		t.Error("a month against a year must not compare")
	}
	if !Comparable(d("2022-04-01"), d("2023-03-31"), d("2023-04-01"), d("2024-03-31")) {
		t.Error("two financial years should compare")
	}
}

func TestLabels(t *testing.T) {
	if got := Label(SpendLine, "museums_galleries"); got != "Museums and galleries" {
		t.Errorf("museums_galleries -> %q", got)
	}
	if got := Label(LibraryMeasure, "pc_hours"); got != "Public computer hours used" {
		t.Errorf("pc_hours -> %q", got)
	}
	if got := Label("nowhere", "some_new_key"); got != "Some new key" {
		t.Errorf("unknown key humanised to %q", got)
	}
	if Known("nowhere", "x") || !Known(SpendMeasure, "C7") {
		t.Error("Known disagrees with the table")
	}
}

func FuzzValue(f *testing.F) {
	f.Add(8.3, "£ per resident")
	f.Add(-1e12, "%")
	f.Add(math.Inf(1), "visits per 1000 residents")
	f.Fuzz(func(t *testing.T, v float64, unit string) {
		for _, s := range []string{Value(v, unit), Compact(v, unit), WithUnit(v, unit)} {
			if s == "" {
				t.Fatalf("empty rendering of %v %q", v, unit)
			}
		}
	})
}
