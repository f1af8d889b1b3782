package demo

import (
	"fmt"
	"math"
	"sort"
	"time"
)

// iodDomains are File 10's domain sheets with their header prefixes, as published in IoD2019.
var iodDomains = []struct{ sheet, prefix, scale string }{
	{"IMD", "IMD", ""},
	{"Income", "Income", "Income scale|Rank of Income Scale"},
	{"Employment", "Employment", "Employment scale |Rank of Employment Scale"},
	{"Education", "Education, Skills and Training", ""},
	{"Health", "Health Deprivation and Disability", ""},
	{"Crime", "Crime", ""},
	{"Barriers", "Barriers to Housing and Services", ""},
	{"Living", "Living Environment", ""},
	{"IDACI", "IDACI", ""},
	{"IDAOPI", "IDAOPI", ""},
}

// IoDCollection is the GOV.UK collection the imd source discovers from.
const IoDCollection = "/government/collections/english-indices-of-deprivation"

func (g *generator) imd(s *Sample) error {
	const year = 2019
	date := fmt.Sprintf("%d-09-26", year)
	var lads []Area
	for _, a := range g.areas {
		if a.Type != "CTY" && a.exists(date) {
			lads = append(lads, a)
		}
	}
	sort.Slice(lads, func(i, j int) bool { return lads[i].Code < lads[j].Code })
	sheets := []sheet{{Name: "Notes", Rows: [][]any{{"English Indices of Deprivation 2019: local authority district summaries. " + Label}}}}
	for _, d := range iodDomains {
		header := []any{fmt.Sprintf("Local Authority District code (%d)", year), fmt.Sprintf("Local Authority District name (%d)", year)}
		measures := []string{"Average rank ", "Rank of average rank ", "Average score ", "Rank of average score ",
			"Proportion of LSOAs in most deprived 10% nationally ", "Rank of proportion of LSOAs in most deprived 10% nationally "}
		for _, m := range measures {
			header = append(header, d.prefix+" - "+m)
		}
		if d.sheet == "IMD" {
			header = append(header, "IMD 2019 - Extent ", "IMD 2019 - Rank of extent ", "IMD 2019 - Local concentration ", "IMD 2019 - Rank of local concentration ")
		}
		if d.scale != "" {
			var sc [2]string
			for i, part := range splitBar(d.scale) {
				sc[i] = part
			}
			header = append(header, sc[0], sc[1])
		}
		// Scores and the ranks they imply, most deprived first.
		score := map[string]float64{}
		for _, a := range lads {
			score[a.Code] = math.Round((5+40*hash01(a.Code, "iod", d.sheet))*1000) / 1000
		}
		order := append([]Area{}, lads...)
		sort.SliceStable(order, func(i, j int) bool { return score[order[i].Code] > score[order[j].Code] })
		rank := map[string]int{}
		for i, a := range order {
			rank[a.Code] = i + 1
		}
		rows := [][]any{header}
		for _, a := range lads {
			sc := score[a.Code]
			r := []any{a.Code, a.Name, math.Round((32844-sc*500)*100) / 100, rank[a.Code], sc, rank[a.Code],
				math.Round(sc/100*10000) / 10000, rank[a.Code]}
			if d.sheet == "IMD" {
				r = append(r, math.Round(sc/80*10000)/10000, rank[a.Code], math.Round((30000+sc*70)*100)/100, rank[a.Code])
			}
			if d.scale != "" {
				r = append(r, int(sc*600), rank[a.Code])
			}
			rows = append(rows, r)
		}
		sheets = append(sheets, sheet{Name: d.sheet, Rows: rows})
	}
	body, err := writeXLSX(sheets)
	if err != nil {
		return err
	}
	published := time.Date(year, 9, 26, 9, 30, 0, 0, time.UTC)
	page := fmt.Sprintf("/government/statistics/english-indices-of-deprivation-%d", year)
	if err := s.AddGovukPage(page, fmt.Sprintf("English indices of deprivation %d", year), published, []GovukAttachment{{
		Title: "File 10: local authority district summaries", File: fmt.Sprintf("File_10_-_IoD%d_Local_Authority_District_Summaries__lower-tier__.xlsx", year),
		ContentType: ctXLSX, Body: body,
	}}); err != nil {
		return err
	}
	return s.AddGovukCollection(IoDCollection, "English indices of deprivation", []GovukDocument{{BasePath: page, Title: fmt.Sprintf("English indices of deprivation %d", year), Updated: published}})
}

func splitBar(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '|' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}
