package local_test

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/funding/fundingtest"
	"github.com/cornerstone-data/cornerstone/sources/local"
	_ "github.com/cornerstone-data/cornerstone/sources/mysociety"
)

const investmentHeader = "organisation,area_code,project,period_start,period_end,source_type,funder_category,funder,amount_gbp,hours,note\n"

func writeReturn(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestInvestmentTemplateIsRegistered(t *testing.T) {
	tm, err := local.LookupTemplate("investment")
	if err != nil || tm.Source != "local-investment-returns" {
		t.Fatalf("%+v %v", tm, err)
	}
	var buf bytes.Buffer
	if err := tm.WriteCSV(&buf); err != nil || !strings.HasPrefix(buf.String(), strings.TrimSuffix(investmentHeader, "\n")) {
		t.Fatalf("%q %v", buf.String(), err)
	}
	if _, err := sources.Lookup("local-investment-returns"); err != nil {
		t.Fatal(err)
	}
}

// TestInvestmentBreakdown loads the LCSIN-style return (£1.7m: 45.9% regional improvement
// partnership cash, 34.52% partner cash, 15.91% staff time, 3.67% other) and checks the breakdown.
func TestInvestmentBreakdown(t *testing.T) {
	sample, err := demo.Generate()
	if err != nil {
		t.Fatal(err)
	}
	k, _ := demo.Key(demo.RegisterURL)
	register := writeReturn(t, "uk_local_authorities_future.csv", string(sample.Files[k].Body))
	body := investmentHeader +
		"Craven District Council,E07000163,Dales arts network,2022-04-01,2023-03-31,cash,regional improvement partnership,RIP,\"780,300\",,\n" +
		"Craven District Council,E07000163,Dales arts network,2022-04-01,2023-03-31,partner cash,,Partners,586840,,\n" +
		"Craven District Council,E07000163,Dales arts network,2022-04-01,2023-03-31,staff time,,Officers,270470,9016,\n" +
		"Craven District Council,E07000163,Dales arts network,2022-04-01,2023-03-31,other,,Venues,62390,,\n"
	p := writeReturn(t, "craven.csv", body)

	e := fundingtest.New(t, "")
	e.Register(register)
	res := e.Ingest("local-investment-returns", sources.Options{From: p})
	if got := res.Loads[0].Release.Key(); got != "investment/craven-district-council@2022-04-01..2023-03-31" {
		t.Errorf("release %s", got)
	}
	e.Build("marts.investment_breakdown")
	got := e.Rows(`SELECT breakdown, amount_gbp, pct, current_area_code FROM marts.investment_breakdown ORDER BY amount_gbp DESC`)
	want := []string{
		"cash from regional improvement partnership | 780300 | 45.9 | E06000065",
		"partner cash | 586840 | 34.52 | E06000065",
		"staff time | 270470 | 15.91 | E06000065",
		"other | 62390 | 3.67 | E06000065",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("breakdown:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var total, pct float64
	e.Scalar(&total, `SELECT sum(amount_gbp) FROM marts.investment_breakdown`)
	e.Scalar(&pct, `SELECT sum(pct) FROM marts.investment_breakdown`)
	if total != 1_700_000 || math.Abs(pct-100) > 1e-9 {
		t.Errorf("total %.2f, percentages sum to %.4f", total, pct)
	}

	// Thirds do not round to 100 one by one; the largest remainder makes them.
	thirds := investmentHeader +
		"Craven District Council,E07000163,Thirds,2023-04-01,2024-03-31,cash,council,C,1,,\n" +
		"Craven District Council,E07000163,Thirds,2023-04-01,2024-03-31,partner cash,,P,1,,\n" +
		"Craven District Council,E07000163,Thirds,2023-04-01,2024-03-31,in-kind,,K,1,,\n"
	e.Ingest("local-investment-returns", sources.Options{From: writeReturn(t, "thirds.csv", thirds)})
	e.Build("marts.investment_breakdown")
	e.Scalar(&pct, `SELECT sum(pct) FROM marts.investment_breakdown WHERE project = 'Thirds'`)
	if math.Abs(pct-100) > 1e-9 {
		t.Errorf("thirds sum to %v: %q", pct, e.Rows(`SELECT breakdown, pct FROM marts.investment_breakdown WHERE project = 'Thirds'`))
	}

	// A corrected return for the same organisation and period replaces the first.
	e.Ingest("local-investment-returns", sources.Options{From: writeReturn(t, "craven-v2.csv", strings.Replace(body, "62390", "62391", 1))})
	e.Build("marts.investment_breakdown")
	e.Scalar(&total, `SELECT sum(amount_gbp) FROM marts.investment_breakdown WHERE project = 'Dales arts network'`)
	if total != 1_700_001 {
		t.Errorf("after the corrected return: %.0f", total)
	}
}

func TestInvestmentReturnReportsEveryBadCell(t *testing.T) {
	body := investmentHeader +
		"Craven,E07000163,P,2024-04-01,2025-03-31,cash,,RIP,100,,\n" + // cash without funder_category
		"Craven,E0700016,P,2024-04-01,2025-03-31,grant,council,X,ten,,\n" + // bad code, choice, number
		"Craven,E07000163,P,2024-04-01,2024-03-31,partner cash,,X,-5,3,\n" // end before start, negative, hours
	e := fundingtest.New(t, "")
	_, err := e.TryIngest("local-investment-returns", sources.Options{From: writeReturn(t, "bad.csv", body)})
	var ve *sources.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v", err)
	}
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p.Column)
	}
	want := "funder_category area_code source_type amount_gbp hours amount_gbp period_end"
	if strings.Join(got, " ") != want {
		t.Errorf("problems %q, want %q\n%v", got, want, err)
	}
	if !strings.Contains(err.Error(), "bad.csv") || !strings.Contains(err.Error(), "row 3") {
		t.Errorf("message: %v", err)
	}
}

func FuzzInvestmentReturn(f *testing.F) {
	f.Add([]byte(investmentHeader + "C,E07000163,P,2024-04-01,2025-03-31,cash,council,X,\"1,000\",,\n"))
	f.Add([]byte(investmentHeader + "C,E07000163,P,2024-04-01,2023-03-31,staff time,,X,-1,x,\n\"\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "r.csv")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		_ = local.ReadInvestmentForTest(p)
	})
}
