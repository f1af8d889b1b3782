package mhclg

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/sources/govuk"
)

// The readers must never panic or hang, whatever the bytes: they return a result or an error.

func fuzzFile(t *testing.T, b []byte) string {
	p := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func FuzzRO5Workbook(f *testing.F) {
	dir := f.TempDir()
	for _, l := range fixtureLayouts[:1] {
		p, _ := writeFixture(f, dir, l.layout, l.format, l.year, l.split, nil)
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	p, _ := writeFixture(f, dir, demo.RO5ThreeSheet, "xls", "2013-14", false, nil)
	b, _ := os.ReadFile(p)
	f.Add(b)
	f.Add([]byte("E-code,ONS Code,Local authority,Class,Library service - Employees (C1)\nE0701,E06000001,Hartlepool,UA,1\n"))
	f.Add([]byte("E-code,Local authority\nLibrary service\nEmployees (C1)\nE0701,x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p := fuzzFile(t, b)
		book, err := openRO5(p, "f")
		if err != nil {
			return
		}
		_ = book.stream(context.Background(), func(ro5Record) error { return nil })
	})
}

func FuzzTimeSeries(f *testing.F) {
	f.Add([]byte(tsHeader + "202503,E06000001,Hartlepool,UA,submitted,\"1,234.5\",[c],7\r\n"))
	f.Add([]byte("year_ending,ONS_code,LA_name,LA_class,status,RO5_a_empl,RO5_a_empl\n"))
	f.Add([]byte("\"year_ending\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = readTimeSeries(context.Background(), fuzzFile(t, b), "f.csv", func(tsRecord) error { return nil })
		_, _ = readTSMetadata(fuzzFile(t, b), "f")
	})
}

func FuzzRA(f *testing.F) {
	body, err := demo.ODS(demo.RABook("2025-26", demo.RALines, [][]any{{"E0701", "E06000001", "Hartlepool", "UA", "", 1, 2, 3, 4, 5, 6, 7, 8, 9}})...)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(body)
	f.Add([]byte("culhrtarc\n500\nE-code,ONS Code,Local authority,Archives\nE0701,E06000001,H,x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		book, err := openRA(fuzzFile(t, b), "f")
		if err != nil {
			return
		}
		_ = book.stream(context.Background(), func(raRecord) error { return nil })
	})
}

func FuzzNames(f *testing.F) {
	for _, s := range []string{"/government/statistics/x-england-2024-to-2025-first-release", "RO5_LA_Data_202425",
		"Culture and heritage - Archives - Employees (C1)", "RO5_culspr_frs_net_cur_exp", "2024-25-budget-england", " - "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if fy := FinancialYear(s); fy != "" && FinancialYear(fy) != fy {
			t.Fatalf("FinancialYear(%q) = %q is not stable", s, fy)
		}
		classifyPage(govuk.Document{BasePath: s})
		flatMeasure(s)
		c, _ := parseTSColumn(s)
		describeLine(c, s)
		yearEndingFY(s)
		ro5Catalogue.suffix(s)
	})
}

// FuzzSuggestHeaders: header suggestions never panic, score every pair between 0 and 1 (a part
// is wholly like itself), and only ever suggest headers of the file.
func FuzzSuggestHeaders(f *testing.F) {
	f.Add("Open spaces - Parks and open spaces", "Employees (C1)", "Parks & open spaces - Employees (C1)", false)
	f.Add("Library service", "Employees (C1)", "Libraries / Employees (C1)", true)
	f.Add("", "", " - ", false)
	f.Fuzz(func(t *testing.T, service, measure, header string, twoLevel bool) {
		for _, p := range [][2]string{{service, header}, {measure, header}, {service, service}} {
			s := similarity(p[0], p[1])
			if s < 0 || s > 1 || p[0] == p[1] && s != 1 {
				t.Fatalf("similarity(%q, %q) = %v", p[0], p[1], s)
			}
		}
		for _, h := range suggestHeaders(service, measure, []string{header, header + " x"}, twoLevel, 3) {
			if h != header && h != header+" x" {
				t.Fatalf("suggested %q", h)
			}
		}
	})
}
