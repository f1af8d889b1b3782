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

// TestSecondInvestmentReturnKeepsTheFirst loads the demo's two returns from North Yorkshire
// Council for 2024-25 (other projects): the second adds to the first and says it kept it; a
// corrected first return supersedes only its own project; --replace withdraws the rest on purpose.
func TestSecondInvestmentReturnKeepsTheFirst(t *testing.T) {
	sample, err := demo.Generate()
	if err != nil {
		t.Fatal(err)
	}
	body := func(url string) string {
		k, _ := demo.Key(url)
		f, ok := sample.Files[k]
		if !ok {
			t.Fatalf("the demo serves no %s", url)
		}
		return string(f.Body)
	}
	k, _ := demo.Key(demo.RegisterURL)
	register := writeReturn(t, "uk_local_authorities_future.csv", string(sample.Files[k].Body))
	hubs, museums := body(local.DemoInvestmentURL), body(local.DemoSecondInvestmentURL)

	e := fundingtest.New(t, "")
	e.Register(register)
	e.Ingest("local-investment-returns", sources.Options{From: writeReturn(t, "hubs.csv", hubs)})
	res := e.Ingest("local-investment-returns", sources.Options{From: writeReturn(t, "museums.csv", museums)})
	if got := res.Loads[0].Release.Key(); got != "investment/north-yorkshire-council@2024-04-01..2025-03-31" {
		t.Fatalf("second return's release %s", got)
	}
	notes := strings.Join(res.Loads[0].Notes, "\n")
	if !strings.Contains(notes, `kept 4 contribution rows of "Libraries as cultural hubs"`) || !strings.Contains(notes, "--replace") {
		t.Errorf("the second return does not say it kept the first's project:\n%s", notes)
	}
	projects := func() []string {
		e.Build("marts.investment_breakdown")
		return e.Rows(`SELECT project, count(*), sum(amount_gbp) FROM core.investment_returns GROUP BY project ORDER BY project`)
	}
	raw := func() []string {
		return e.Rows(`SELECT project, count(*) FROM raw.local_investment_returns GROUP BY project ORDER BY project`)
	}
	want := "Libraries as cultural hubs | 4 | 1.7e+06\nMuseums on the move | 3 | 180000"
	if got := strings.Join(projects(), "\n"); got != want {
		t.Fatalf("after the second return:\n%s\nwant\n%s", got, want)
	}
	if got := strings.Join(raw(), "\n"); got != "Libraries as cultural hubs | 4\nMuseums on the move | 3" {
		t.Fatalf("raw table after the second return:\n%s", got)
	}

	// Loading the first file again is unchanged: it is held, although the second took its place
	// in meta.releases.
	again := e.Ingest("local-investment-returns", sources.Options{From: writeReturn(t, "hubs-again.csv", hubs)})
	if again.Loads[0].Status != sources.StatusUnchanged {
		t.Errorf("the first return loaded again: %s", again.Loads[0].Status)
	}

	// A corrected first return supersedes its own project only.
	fixed := e.Ingest("local-investment-returns", sources.Options{From: writeReturn(t, "hubs-v2.csv", strings.Replace(hubs, "62390", "62391", 1))})
	if n := strings.Join(fixed.Loads[0].Notes, "\n"); !strings.Contains(n, "superseded 4 contribution rows") || !strings.Contains(n, `"Museums on the move"`) {
		t.Errorf("the corrected return's notes:\n%s", n)
	}
	want = "Libraries as cultural hubs | 4 | 1.700001e+06\nMuseums on the move | 3 | 180000"
	if got := strings.Join(projects(), "\n"); got != want {
		t.Fatalf("after the corrected return:\n%s\nwant\n%s", got, want)
	}

	// --replace withdraws the whole earlier submission for the council and period.
	rep := e.Ingest("local-investment-returns", sources.Options{From: writeReturn(t, "museums-only.csv", strings.Replace(museums, "41500", "41000", 1)), Replace: true})
	if n := strings.Join(rep.Loads[0].Notes, "\n"); !strings.Contains(n, "--replace withdrew 7 contribution rows of 2 earlier return(s) for North Yorkshire Council, 2024-04-01, 2025-03-31") {
		t.Errorf("--replace notes:\n%s", n)
	}
	if got := strings.Join(projects(), "\n"); got != "Museums on the move | 3 | 179500" {
		t.Fatalf("after --replace:\n%s", got)
	}
	if got := strings.Join(raw(), "\n"); got != "Museums on the move | 3" {
		t.Fatalf("raw table after --replace:\n%s", got)
	}
}

// TestSecondUsageReturnKeepsTheFirst checks the same rule for local-returns: a second file for the
// same council and period (other measures, submitted the same day) adds to the first and says so;
// a later submission supersedes only the figures it restates, and an earlier one loaded after it
// does not undo them; --replace withdraws the council's figures for the period.
func TestSecondUsageReturnKeepsTheFirst(t *testing.T) {
	sample, err := demo.Generate()
	if err != nil {
		t.Fatal(err)
	}
	k, _ := demo.Key(demo.RegisterURL)
	register := writeReturn(t, "uk_local_authorities_future.csv", string(sample.Files[k].Body))
	const head = "area_code,period_start,period_end,measure,value,site,notes,submitted_by,submitter_email,submitted_at\n"
	line := func(measure, value, site, submitted string) string {
		return "E06000065,2024-04-01,2025-03-31," + measure + "," + value + "," + site + ",,A. Curator,museums@example.gov.uk," + submitted + "\n"
	}
	e := fundingtest.New(t, "")
	e.Register(register)
	figures := func() string {
		e.Build("core.local_returns")
		return strings.Join(e.Rows(`SELECT measure, site, value, submitted_at FROM core.local_returns ORDER BY measure, site`), "\n")
	}

	e.Ingest("local-returns", sources.Options{From: writeReturn(t, "museums.csv", head+
		line("museum_visits", "48210", "", "2025-05-12")+line("museum_volunteers", "35", "Castle Museum", "2025-05-12"))})
	res := e.Ingest("local-returns", sources.Options{From: writeReturn(t, "libraries.csv", head+line("library_events", "410", "", "2025-05-12"))})
	if got := res.Loads[0].Release.Key(); got != "usage-E06000065@2025-05-12 2024-04-01..2025-03-31" {
		t.Fatalf("second return's release %s", got)
	}
	if n := strings.Join(res.Loads[0].Notes, "\n"); !strings.Contains(n, `kept 2 figures of "museum_visits", "museum_volunteers / Castle Museum"`) {
		t.Errorf("the second return does not say it kept the first's figures:\n%s", n)
	}
	want := "library_events |  | 410 | 2025-05-12\nmuseum_visits |  | 48210 | 2025-05-12\nmuseum_volunteers | Castle Museum | 35 | 2025-05-12"
	if got := figures(); got != want {
		t.Fatalf("after the second return:\n%s\nwant\n%s", got, want)
	}

	// A later submission restating one figure supersedes it alone; an earlier one loaded after it
	// does not undo it.
	e.Ingest("local-returns", sources.Options{From: writeReturn(t, "corrected.csv", head+line("museum_visits", "48350", "", "2025-06-02"))})
	e.Ingest("local-returns", sources.Options{From: writeReturn(t, "late-old.csv", head+line("museum_visits", "47000", "", "2025-05-01"))})
	want = "library_events |  | 410 | 2025-05-12\nmuseum_visits |  | 48350 | 2025-06-02\nmuseum_volunteers | Castle Museum | 35 | 2025-05-12"
	if got := figures(); got != want {
		t.Fatalf("after the correction:\n%s\nwant\n%s", got, want)
	}
	var held int
	e.Scalar(&held, `SELECT count(*) FROM raw.local_returns WHERE measure = 'museum_visits'`)
	if held != 2 { // the correction (2025-06-02) and the older file loaded after it (2025-05-01)
		t.Errorf("%d museum_visits rows held, want 2", held)
	}

	// --replace withdraws every figure held for the council and period.
	rep := e.Ingest("local-returns", sources.Options{From: writeReturn(t, "replacement.csv", head+line("library_events", "415", "", "2025-07-01")), Replace: true})
	if n := strings.Join(rep.Loads[0].Notes, "\n"); !strings.Contains(n, "--replace withdrew 4 figures of 4 earlier return(s) for E06000065, 2024-04-01, 2025-03-31") {
		t.Errorf("--replace notes:\n%s", n)
	}
	if got := figures(); got != "library_events |  | 415 | 2025-07-01" {
		t.Fatalf("after --replace:\n%s", got)
	}
}
