package demo

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"html"
	"math"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/sources/local"
)

// ACE funding pages and files in the demo sample, at the shapes of artscouncil.org.uk.
const (
	ACEInvestmentPage    = "https://www.artscouncil.org.uk/how-we-invest-public-money/2023-26-Investment-Programme/2023-26-investment-programme-data"
	ACEInvestmentFile    = "https://www.artscouncil.org.uk/media/23811/download?attachment"
	ACEProjectGrantsPage = "https://www.artscouncil.org.uk/ProjectGrants/project-grants-data"
	ACEProjectGrantsFile = "https://www.artscouncil.org.uk/media/25120/download?attachment"
)

// ipHeader is the Investment Programme data header as published (newline inside the type header).
var ipHeader = []any{"Applicant Name", "Type of organisation\n(NPO/IPSO/Transfer)", "National Youth Music Organisation",
	"2018-22 Average Annual Funding (Figure accurate at April 2018)", "2022/23 Annual Funding (Extension year)",
	"2023-26 Annual Funding (Offered 4 Nov 2022)", "Main Discipline", "ACE Area", "ONS region", "Constituency",
	"Local authority", "Levelling Up For Culture Place", "Priority Place", "Comments"}

var (
	demoDisciplines = []string{"Theatre", "Music", "Dance", "Visual arts", "Combined arts", "Museums", "Libraries", "Literature", "Not discipline specific"}
	demoOrgKinds    = []string{"Theatre Company", "Arts Centre", "Music Trust", "Dance Collective", "Gallery", "Museums Trust", "Festival", "Writers' House"}
	aceAreaOf       = map[string]string{"North East": "North", "North West": "North", "Yorkshire and The Humber": "North",
		"East Midlands": "Midlands", "West Midlands": "Midlands", "South West": "South West", "South East": "South East", "London": "London"}
)

// onsStyleName is the local authority name as ACE writes it: ONS style for the unitaries whose
// names ONS inverts.
func onsStyleName(a Area) string {
	switch a.Name {
	case "City of Bristol":
		return "Bristol, City of"
	case "Herefordshire":
		return "Herefordshire, County of"
	}
	return a.Name
}

// ipAreas are the areas ACE's 2022 file names: the lower tier as it stood in November 2022.
func (g *generator) ipAreas() []Area {
	var out []Area
	for _, a := range g.areas {
		if a.Type != "CTY" && a.exists("2022-11-04") {
			out = append(out, a)
		}
	}
	return out
}

func (g *generator) aceFunding(s *Sample) error {
	if err := g.aceInvestment(s); err != nil {
		return err
	}
	if err := g.aceProjectGrants(s); err != nil {
		return err
	}
	return g.investmentReturn(s)
}

func (g *generator) aceInvestment(s *Sample) error {
	rows := [][]any{ipHeader}
	for _, a := range g.ipAreas() {
		n := 1 + int(hash01(a.Code, "npo-count")*3)
		for i := range n {
			h := hash01(a.Code, "npo", fmt.Sprint(i))
			name := fmt.Sprintf("%s %s", a.Name, demoOrgKinds[int(h*float64(len(demoOrgKinds)))])
			if i > 0 {
				name = fmt.Sprintf("%s %s %d", a.Name, demoOrgKinds[int(h*float64(len(demoOrgKinds)))], i+1)
			}
			typ := "NPO"
			switch {
			case h < 0.08:
				typ = "IPSO"
			case h < 0.12:
				typ = "NPO (Transfer)"
			case h < 0.14:
				typ = "IPSO (Transfer)"
			}
			annual := math.Round((60_000 + 900_000*h*h) / 100 * 100)
			prev := 0.0
			if hash01(a.Code, "npo-prev", fmt.Sprint(i)) > 0.3 {
				prev = math.Round(annual * (0.85 + 0.2*h))
			}
			lucp, priority := "Non-LUCP", "Non-Priority place"
			if hash01(a.Code, "lucp") > 0.7 {
				lucp = "LUCP"
			}
			if hash01(a.Code, "priority") > 0.75 {
				priority = "Priority place"
			}
			var nymo any
			if h > 0.95 {
				nymo = "Yes"
			}
			var comment any
			if strings.HasSuffix(typ, "(Transfer)") {
				comment = "Transferring from another funding route. " + Label
			}
			rows = append(rows, []any{name, typ, nymo, prev, math.Round(prev * 1.0184), annual,
				demoDisciplines[int(hash01(a.Code, "disc", fmt.Sprint(i))*float64(len(demoDisciplines)))],
				aceAreaOf[a.Region], a.Region, a.Name + " Central", onsStyleName(a), lucp, priority, comment})
		}
	}
	for range 10 { // the published sheet ends with ten blank rows
		rows = append(rows, []any{""})
	}
	body, err := writeXLSX([]sheet{{Name: "data", Rows: rows}})
	if err != nil {
		return err
	}
	published := time.Date(2023, 1, 31, 10, 0, 0, 0, time.UTC)
	s.add(ACEInvestmentFile, ctXLSX, body, published)
	s.add(ACEInvestmentPage, ctHTML, acePage("2023-26 Investment Programme: Data",
		[]aceLinkSpec{{"/media/23811/download?attachment", "2023-26 Investment Programme data (XLSX, 152 KB)"},
			{"/media/23812/download?attachment", "Investment Programme data notes (PDF, 80 KB)"}}), published)
	return nil
}

type aceLinkSpec struct{ href, text string }

// acePage is a data page in the shape of artscouncil.org.uk: navigation, then the file links.
func acePage(title string, links []aceLinkSpec) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><title>%s | Arts Council England</title></head><body>\n", html.EscapeString(title))
	b.WriteString(`<nav><a href="/">Home</a> <a href="/how-we-invest-public-money">How we invest public money</a></nav>` + "\n")
	fmt.Fprintf(&b, "<main><h1>%s</h1>\n<p>%s</p>\n<ul>\n", html.EscapeString(title), Label)
	for _, l := range links {
		fmt.Fprintf(&b, "<li><a href=\"%s\" class=\"file-link\"><span>%s</span></a></li>\n", html.EscapeString(l.href), html.EscapeString(l.text))
	}
	b.WriteString("</ul></main></body></html>\n")
	return []byte(b.String())
}

func (g *generator) aceProjectGrants(s *Sample) error {
	rows := [][]any{
		{"National Lottery Project Grants: awards 1 April 2023 to 31 March 2025"},
		{Label},
		{"Recipient", "Activity name", "Award amount", "Award date", "Decision Month", "Decision quarter", "ACE Area",
			"Local authority", "Main discipline", "Strand", "Time-Limited Priority", ""},
	}
	start := time.Date(2023, 4, 3, 0, 0, 0, 0, time.UTC)
	quarters := map[time.Month]string{4: "Q1", 5: "Q1", 6: "Q1", 7: "Q2", 8: "Q2", 9: "Q2", 10: "Q3", 11: "Q3", 12: "Q3", 1: "Q4", 2: "Q4", 3: "Q4"}
	for i, a := range g.areas {
		if a.Type == "CTY" {
			continue
		}
		for j := range 3 {
			h := hash01(a.Code, "pg", fmt.Sprint(j))
			date := start.AddDate(0, 0, int(h*700))
			la := a.Name
			if !a.exists(date.Format(time.DateOnly)) {
				continue
			}
			if a.Code == "E06000065" && j == 1 {
				la = "Harrogate" // old and new geographies in the same file
			}
			recipient := fmt.Sprintf("%s %s", a.Name, demoOrgKinds[(i+j)%len(demoOrgKinds)])
			if h < 0.3 {
				recipient = fmt.Sprintf("Demo Artist %d", i*3+j+1) // individuals are recipients too
			}
			amount := math.Round(1000 + 98_000*h*h)
			strand := "£30,000 and below"
			if amount > 30_000 {
				strand = "£30,001 and above"
			}
			rows = append(rows, []any{recipient, fmt.Sprintf("%s project %d", demoDisciplines[(i+j)%len(demoDisciplines)], j+1), int(amount),
				date.Format("2006-01-02 00:00:00"), date.Month().String(), quarters[date.Month()], aceAreaOf[a.Region], la,
				demoDisciplines[(i+j)%len(demoDisciplines)], strand, nil, nil})
		}
	}
	body, err := writeXLSX([]sheet{{Name: "Project Grants Awards", Rows: rows}})
	if err != nil {
		return err
	}
	published := time.Date(2025, 5, 20, 10, 0, 0, 0, time.UTC)
	s.add(ACEProjectGrantsFile, ctXLSX, body, published)
	s.add(ACEProjectGrantsPage, ctHTML, acePage("Project Grants data",
		[]aceLinkSpec{{"/media/25120/download?attachment", "Project Grants data 2023-2025 (XLSX, 61 KB)"},
			{"/media/25121/download?attachment", "Project Grants guidance (PDF)"}}), published)
	return nil
}

// investmentReturn serves two synthetic local investment returns made from the investment
// template, both from North Yorkshire Council for 2024-25: the first with the breakdown LCSIN case
// studies report (£1.7m: 45.9% regional improvement partnership cash, 34.52% partner cash, 15.91%
// staff time, 3.67% other resources), the second, sent later, with another project only (a second
// file for the same council and period adds to the first, it does not replace it).
func (g *generator) investmentReturn(s *Sample) error {
	first, err := investmentCSV("Libraries as cultural hubs", [][]string{
		{"cash", "regional improvement partnership", "Yorkshire and Humber Improvement Partnership", "780300", ""},
		{"partner cash", "", "Library and museum partners", "586840", ""},
		{"staff time", "", "Council officers", "270470", "9016"},
		{"other", "", "Venues and volunteers", "62390", ""},
	})
	if err != nil {
		return err
	}
	second, err := investmentCSV("Museums on the move", [][]string{
		{"cash", "Arts Council England", "Arts Council England", "120000", ""},
		{"in-kind", "", "Host venues", "18500", ""},
		{"staff time", "", "Council officers", "41500", "1380"},
	})
	if err != nil {
		return err
	}
	s.add(local.DemoInvestmentURL, ctCSV, first, time.Date(2025, 6, 30, 12, 0, 0, 0, time.UTC))
	s.add(local.DemoSecondInvestmentURL, ctCSV, second, time.Date(2025, 7, 14, 12, 0, 0, 0, time.UTC))
	return nil
}

// investmentCSV writes a North Yorkshire Council return for 2024-25: one project, one line per
// contribution (source type, funder category, funder, amount, hours).
func investmentCSV(project string, lines [][]string) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	t := local.InvestmentTemplate
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.Name
	}
	if err := w.Write(head); err != nil {
		return nil, err
	}
	for _, r := range lines {
		if err := w.Write([]string{"North Yorkshire Council", "E06000065", project, "2024-04-01", "2025-03-31",
			r[0], r[1], r[2], r[3], r[4], Label}); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}
