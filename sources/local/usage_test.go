package local

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/sources"
)

const usageHeader = "area_code,period_start,period_end,measure,value,site,notes,submitted_by,submitter_email,submitted_at\n"

func TestUsageTemplateRoundTrip(t *testing.T) {
	if _, err := LookupTemplate("usage"); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := UsageTemplate.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), usageHeader) {
		t.Fatalf("template header: %q", buf.String())
	}
	rows, err := DecodeUsage("usage.csv", buf.Bytes())
	if err != nil || len(rows) != 1 || rows[0].Value != 48210 || rows[0].Measure != "museum_visits" {
		t.Fatalf("the template's own example does not load: %v %+v", err, rows)
	}
	var doc bytes.Buffer
	UsageTemplate.WriteDoc(&doc)
	for _, want := range []string{"`submitted_by`", "museum_visits (visits)", "library_staff_fte (fte)", "local-returns"} {
		if !strings.Contains(doc.String(), want) {
			t.Errorf("--describe lacks %q", want)
		}
	}
	seen := map[string]bool{}
	for _, m := range UsageMeasures {
		if seen[m.Name] || m.Unit == "" || m.Doc == "" {
			t.Errorf("measure %+v duplicated or undocumented", m)
		}
		seen[m.Name] = true
	}
}

func TestUsageReportsEveryBadCell(t *testing.T) {
	body := usageHeader +
		"E06000065,2024-04-01,2025-03-31,museum_visits,\"48,210\",,,A. Curator,museums@example.gov.uk,2025-05-12\n" +
		"E0600006,2024-04-01,2025-03-31,library_volunteers,35,,,A. Curator,museums@example.gov.uk,2025-05-12\n" +
		"E06000065,2024-04-01,2025-03-31,museum_footfall,100,,,A. Curator,museums@example.gov.uk,2025-05-12\n" +
		"E06000065,2024-04-01,2025-03-31,library_volunteer_hours,lots,,,A. Curator,museums@example.gov.uk,2025-05-12\n"
	_, err := DecodeUsage("return.csv", []byte(body))
	var ve *sources.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, sources.ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
	want := []sources.Problem{{Row: 3, Column: "area_code", Value: "E0600006"}, {Row: 4, Column: "measure", Value: "museum_footfall"}, {Row: 5, Column: "value", Value: "lots"}}
	if len(ve.Problems) != len(want) {
		t.Fatalf("problems:\n%v", err)
	}
	for i, w := range want {
		p := ve.Problems[i]
		if p.Row != w.Row || p.Column != w.Column || p.Value != w.Value || p.Why == "" {
			t.Errorf("problem %d = %+v, want %+v", i, p, w)
		}
	}
}

func TestUsageChecksAcrossCells(t *testing.T) {
	body := usageHeader +
		"E06000065,2024-04-01,2024-03-31,museum_visits,10,,,A,a@b.uk,2025-05-12\n" +
		"E06000065,2024-04-01,2025-03-31,museum_visits,-3,,,A,a@b.uk,2025-05-12\n" +
		"E06000065,2024-04-01,2025-03-31,museum_visits,4,,,A,a@b.uk,2025-05-12\n" +
		"E06000065,2024-04-01,2025-03-31,museum_visits,NaN,Castle,,A,a@b.uk,2025-05-12\n"
	_, err := DecodeUsage("r.csv", []byte(body))
	var ve *sources.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	if len(ve.Problems) != 1 || ve.Problems[0].Row != 5 || ve.Problems[0].Column != "value" {
		t.Fatalf("NaN must fail the cell check first: %v", err)
	}
	body = strings.Replace(body, "NaN", "7", 1)
	_, err = DecodeUsage("r.csv", []byte(body))
	if !errors.As(err, &ve) || len(ve.Problems) != 3 {
		t.Fatalf("err = %v", err)
	}
	for i, w := range []string{"before period_start", "negative", "already on row 3"} {
		if !strings.Contains(ve.Problems[i].Why, w) {
			t.Errorf("problem %d: %+v, want %q", i, ve.Problems[i], w)
		}
	}
	if _, err := DecodeUsage("r.csv", []byte(usageHeader)); !errors.As(err, &ve) {
		t.Fatalf("an empty return: %v", err)
	}
}

func FuzzDecodeUsage(f *testing.F) {
	f.Add([]byte(usageHeader + "E06000065,2024-04-01,2025-03-31,museum_visits,1,,,A,a@b.uk,2025-05-12\n"))
	f.Add([]byte(usageHeader + "E2721,2024-04-01,2024-01-01,museum_visits,-1e400,,,A,a@b,2025-5-12\n"))
	f.Add([]byte("\ufeffarea_code\n\"x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := DecodeUsage("f.csv", b)
		if err == nil && len(rows) == 0 {
			t.Fatal("no error and no rows")
		}
	})
}
