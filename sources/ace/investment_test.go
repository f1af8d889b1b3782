package ace_test

import (
	"encoding/csv"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/sources"
	_ "github.com/cornerstone-data/cornerstone/sources/ace"
	"github.com/cornerstone-data/cornerstone/sources/funding/fundingtest"
	_ "github.com/cornerstone-data/cornerstone/sources/mysociety"
)

// referenceFile returns a file in ../shared/reference, skipping the test when it is absent.
func referenceFile(t *testing.T, parts ...string) string {
	t.Helper()
	dir, ok := config.ReferenceDir(fundingtest.RepoRoot())
	if !ok {
		t.Skipf("reference folder %s not present: conformance test skipped", dir)
	}
	p := filepath.Join(append([]string{dir}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("reference file %s not present: %v", p, err)
	}
	return p
}

// fileTotals reads the reference export with encoding/csv, independently of the source: the number
// of organisation rows and the sum of the 2023-26 annual funding column.
func fileTotals(t *testing.T, path string) (rows int, sum float64, names []string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := -1
	for i, h := range recs[0] {
		if strings.HasPrefix(h, "2023-26 Annual Funding") {
			col = i
		}
	}
	if col < 0 {
		t.Fatal("no 2023-26 column in the reference file")
	}
	for _, r := range recs[1:] {
		if strings.TrimSpace(strings.Join(r, "")) == "" {
			continue
		}
		rows++
		names = append(names, r[0])
		var v float64
		for _, c := range strings.NewReplacer("£", "", ",", "").Replace(r[col]) {
			v = v*10 + float64(c-'0')
		}
		sum += v
	}
	return rows, sum, names
}

func TestInvestmentProgrammeReferenceExport(t *testing.T) {
	path := referenceFile(t, "funding", "ace_npo_2023-26_as_exported_nov2022.csv")
	register := referenceFile(t, "population_geography", "uk_local_authorities_register.csv")
	wantRows, wantSum, names := fileTotals(t, path)

	e := fundingtest.New(t, "")
	e.Register(register)
	res := e.Ingest("ace-investment-programme", sources.Options{From: path})
	if got := res.Loads[0].Release.Key(); got != "investment-programme-2023-26@2022-11-04" {
		t.Errorf("release = %s", got)
	}
	if notes := res.Loads[0].Notes; len(notes) > 0 {
		t.Errorf("the real export loads with notes: %q", notes)
	}
	e.Build("core.funding_awards", "core.funding_unresolved")

	var n int
	var sum float64
	e.Scalar(&n, `SELECT count(*) FROM core.funding_awards WHERE source = 'ace-investment-programme'`)
	e.Scalar(&sum, `SELECT sum(annual_amount_gbp) FROM core.funding_awards WHERE source = 'ace-investment-programme'`)
	if n != wantRows || math.Abs(sum-wantSum) > 0.001 {
		t.Fatalf("core.funding_awards: %d rows, annual sum %.2f; the file holds %d rows, %.2f", n, sum, wantRows, wantSum)
	}
	t.Logf("%d organisations, 2023-26 annual funding £%.0f", n, sum)

	// Period totals are annual x 3 and the period is the financial years 2023-24 to 2025-26.
	got := e.Rows(`SELECT period_start, period_end, years, amount_gbp, annual_amount_gbp, award_date, lucp, priority_place, programme
		FROM core.funding_awards WHERE recipient_name = '1927'`)
	if want := "2023-04-01 | 2026-03-31 | 3 | 662979 | 220993 | 2022-11-04 | false | false | 2023-26 Investment Programme: NPO"; len(got) != 1 || got[0] != want {
		t.Errorf("1927: %q, want %q", got, want)
	}

	// Every organisation has an area code or is listed as unresolved with its name.
	missing := e.Rows(`SELECT a.recipient_name FROM core.funding_awards AS a
		WHERE a.source = 'ace-investment-programme' AND a.area_code IS NULL
		  AND NOT EXISTS (SELECT 1 FROM core.funding_unresolved AS u WHERE u.source = a.source AND u.recipient_name = a.recipient_name)`)
	if len(missing) > 0 {
		t.Errorf("neither placed nor listed as unresolved: %q", missing)
	}
	var placed int
	e.Scalar(&placed, `SELECT count(*) FROM core.funding_awards WHERE source = 'ace-investment-programme' AND area_code IS NOT NULL`)
	t.Logf("placed %d of %d; unresolved: %q", placed, n, e.Rows(`SELECT recipient_name, area_label, resolution FROM core.funding_unresolved`))
	if placed < n*95/100 {
		t.Errorf("only %d of %d organisations placed", placed, n)
	}
	for _, nm := range names[:3] {
		var c int
		e.Scalar(&c, `SELECT count(*) FROM core.funding_awards WHERE recipient_name = ?`, nm)
		if c != 1 {
			t.Errorf("%s: %d awards", nm, c)
		}
	}
	// Pre-2023 districts: named as published, current council through the successors.
	got = e.Rows(`SELECT area_label, area_code, current_area_code, resolution FROM core.funding_awards
		WHERE area_label IN ('Carlisle', 'Harrogate') ORDER BY area_label LIMIT 2`)
	t.Logf("old districts: %q", got)
	for _, r := range got {
		if !strings.Contains(r, "E06000063") && !strings.Contains(r, "E06000065") {
			t.Errorf("old district not mapped to its current council: %s", r)
		}
	}

	// Loading the same release twice leaves core.funding_awards unchanged.
	before := e.Rows(`SELECT * FROM core.funding_awards ORDER BY award_id`)
	res = e.Ingest("ace-investment-programme", sources.Options{From: path})
	if res.Loads[0].Status != sources.StatusUnchanged {
		t.Errorf("second load: %s", res.Loads[0].Status)
	}
	res = e.Ingest("ace-investment-programme", sources.Options{From: path, Force: true})
	if res.Loads[0].Status != sources.StatusLoaded {
		t.Errorf("forced load: %s", res.Loads[0].Status)
	}
	e.Build("core.funding_awards")
	if after := e.Rows(`SELECT * FROM core.funding_awards ORDER BY award_id`); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Errorf("reloading the same release changed core.funding_awards: %d rows before, %d after", len(before), len(after))
	}
}

func TestInvestmentProgrammeBadCell(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "ip.csv")
	body := "Applicant Name,\"Type of organisation\n(NPO/IPSO/Transfer)\",2023-26 Annual Funding (Offered 4 Nov 2022),Main Discipline,ACE Area,Local authority,Levelling Up For Culture Place,Priority Place\r\n" +
		"A,NPO,\"£1,000\",Music,London,Camden,Non-LUCP,Non-Priority place\r\n" +
		"B,NPO,\"£1,0x0\",Music,London,Camden,Non-LUCP,Non-Priority place\r\n"
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	e := fundingtest.New(t, "")
	_, err := e.TryIngest("ace-investment-programme", sources.Options{From: p})
	var ce *sheets.CellError
	if !errors.As(err, &ce) || ce.Row != 4 || ce.Col != 2 {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), "ip.csv") || !strings.Contains(err.Error(), "C4") {
		t.Errorf("message does not name the file and cell: %v", err)
	}
	var n int
	e.Scalar(&n, `SELECT count(*) FROM raw.ace_investment_programme`)
	if n != 0 {
		t.Errorf("a failed load left raw.ace_investment_programme behind")
	}
}

func TestProjectGrantsCSVExport(t *testing.T) {
	body := "National Lottery Project Grants awards\r\nData correct at 31 March 2024\r\n" +
		"Recipient,Activity name,Award amount,Award date,Decision Month,Decision quarter,ACE Area,Local authority,Main discipline,Strand,Time-Limited Priority,\r\n" +
		"Dominic Bouffard,Art Show at  Gallery 46,23336,2024-03-02 00:00:00,March,Q4,London,Southwark,Visual arts,\"£30,000 and below\",,\r\n" +
		"Somerset Arts Trust,Village tour,\"£45,000\",2024-04-02 00:00:00,April,Q1,South West,Somerset West and Taunton,Theatre,\"£30,001 and above\",,\r\n" +
		",,,,,,,,,,,\r\n"
	p := filepath.Join(t.TempDir(), "Project_Grants_2023-24.csv")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	e := fundingtest.New(t, "")
	res := e.Ingest("ace-project-grants", sources.Options{From: p})
	if got := res.Loads[0].Release.Key(); got != "project-grants-2023-24@awards-to-2024-04-02" {
		t.Errorf("release %s", got)
	}
	got := e.Rows(`SELECT recipient, award_amount_gbp, award_date, local_authority, strand, _row FROM raw.ace_project_grants ORDER BY _row`)
	want := []string{"Dominic Bouffard | 23336 | 2024-03-02 | Southwark | £30,000 and below | 4",
		"Somerset Arts Trust | 45000 | 2024-04-02 | Somerset West and Taunton | £30,001 and above | 5"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s", strings.Join(got, "\n"))
	}
}

// TestInvestmentProgrammeMissingColumnsNote: a 2023-26 file without columns that the 2023-26 data
// has loads, noting each one; a renamed column is noted with the header found instead.
func TestInvestmentProgrammeMissingColumnsNote(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ip.csv")
	body := "Applicant Name,\"Type of organisation\n(NPO/IPSO/Transfer)\",2023-26 Annual Funding (Offered 4 Nov 2022),Main Discipline,ACE Area,ONS Region,Constituency,Local authority,Levelling Up For Culture Place,Priority Place,Comments\r\n" +
		"A,NPO,\"£1,000\",Music,London,London,Holborn and St Pancras,Camden,Non-LUCP,Non-Priority place,\r\n"
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	res := fundingtest.New(t, "").Ingest("ace-investment-programme", sources.Options{From: p})
	if len(res.Loads) != 1 || res.Loads[0].Rows != 1 {
		t.Fatalf("loads %+v", res.Loads)
	}
	notes := res.Loads[0].Notes
	want := []string{
		`ip.csv: optional column "2018-22 Average Annual Funding (Figure accurate at April 2018)" not found, loaded as empty; files of this layout have it`,
		`ip.csv: optional column "2022/23 Annual Funding (Extension year)" not found, loaded as empty; files of this layout have it`,
		`ip.csv: optional column "ONS region" not found, loaded as empty; nearest header found: "ONS Region"`,
	}
	if !slices.Equal(notes, want) {
		t.Errorf("notes\n%q\nwant\n%q", notes, want)
	}
}
