package demo

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"
)

// ONSLanding is the ONS dataset landing page the ons-population source discovers from.
const ONSLanding = "https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates/datasets/estimatesofthepopulationforenglandandwales"

var geographyLabel = map[string]string{
	"UA": "Unitary Authority", "NMD": "Non-metropolitan District", "MD": "Metropolitan District",
	"LBO": "London Borough", "CTY": "County",
}

var regionCodes = map[string]string{
	"North East": "E12000001", "North West": "E12000002", "Yorkshire and The Humber": "E12000003",
	"East Midlands": "E12000004", "West Midlands": "E12000005", "East of England": "E12000006",
	"London": "E12000007", "South East": "E12000008", "South West": "E12000009",
}

// MYE2Years are the mid-years with an MYE2 edition in the demo sample, each on the boundaries of
// its year (mid-2024 on 2023 boundaries, as published).
var MYE2Years = []int{2019, 2020, 2021, 2022, 2023, 2024}

// MYEB1Last is the last year of the demo's mid-2011-to-latest time series.
const MYEB1Last = 2024

func (g *generator) ons(s *Sample) error {
	m := newPopModel(g.areas)
	type edition struct{ uri, file, title, edition, released string }
	var eds []edition
	for _, y := range MYE2Years {
		bound := y
		if y == 2024 {
			bound = 2023
		}
		uri := fmt.Sprintf("/peoplepopulationandcommunity/populationandmigration/populationestimates/datasets/estimatesofthepopulationforenglandandwales/mid%d%dlocalauthorityboundaries", y, bound)
		file := fmt.Sprintf("mye%02dtablesew.xlsx", y%100)
		body, err := writeXLSX(m.mye2(y, bound))
		if err != nil {
			return err
		}
		released := time.Date(y+1, 7, 15, 6, 0, 0, 0, time.UTC)
		s.add("https://www.ons.gov.uk/file?uri="+uri+"/"+file, ctXLSX, body, released)
		eds = append(eds, edition{uri, file, "Estimates of the population for England and Wales",
			fmt.Sprintf("Mid-%d: %d local authority boundaries", y, bound), released.Format("2006-01-02T15:04:05.000Z")})
	}
	{
		uri := fmt.Sprintf("/peoplepopulationandcommunity/populationandmigration/populationestimates/datasets/estimatesofthepopulationforenglandandwales/mid2011tomid%ddetailedtimeseries", MYEB1Last)
		file := fmt.Sprintf("myebtablesenglandwales2011%d.xlsx", MYEB1Last)
		body, err := writeXLSX(m.myeb1(2011, MYEB1Last))
		if err != nil {
			return err
		}
		released := time.Date(MYEB1Last+1, 7, 30, 6, 0, 0, 0, time.UTC)
		s.add("https://www.ons.gov.uk/file?uri="+uri+"/"+file, ctXLSX, body, released)
		eds = append(eds, edition{uri, file, "Estimates of the population for England and Wales",
			fmt.Sprintf("Mid-2011 to mid-%d detailed time series", MYEB1Last), released.Format("2006-01-02T15:04:05.000Z")})
	}
	landing := map[string]any{
		"type":        "dataset_landing_page",
		"uri":         "/peoplepopulationandcommunity/populationandmigration/populationestimates/datasets/estimatesofthepopulationforenglandandwales",
		"description": map[string]any{"title": "Estimates of the population for England and Wales", "summary": Label},
	}
	var list []map[string]string
	for i := len(eds) - 1; i >= 0; i-- {
		list = append(list, map[string]string{"uri": eds[i].uri})
	}
	landing["datasets"] = list
	b, err := json.MarshalIndent(landing, "", "  ")
	if err != nil {
		return err
	}
	s.add(ONSLanding+"/data", ctJSON, b, fixedTime)
	for _, e := range eds {
		page := map[string]any{
			"type": "dataset",
			"uri":  e.uri,
			"description": map[string]any{
				"title": e.title, "edition": e.edition, "releaseDate": e.released, "summary": Label,
			},
			"downloads": []map[string]string{{"file": e.file}},
		}
		b, err := json.MarshalIndent(page, "", "  ")
		if err != nil {
			return err
		}
		s.add("https://www.ons.gov.uk"+e.uri+"/data", ctJSON, b, fixedTime)
	}
	return nil
}

// mye2 writes the MYE2 workbook of one mid-year: title rows, then the header on row 8, then
// England and Wales, England, regions, counties and districts that existed that year.
func (m *popModel) mye2(year, bound int) []sheet {
	date := fmt.Sprintf("%d-06-30", year)
	header := []any{"Code", "Name", "Geography", "All ages"}
	for age := 0; age <= 90; age++ {
		if age == 90 {
			header = append(header, "90+")
		} else {
			header = append(header, strconv.Itoa(age))
		}
	}
	rows := [][]any{
		{fmt.Sprintf("MYE2: Population estimates: Persons by single year of age and administrative area, England and Wales, mid-%d", year)},
		{Label + ". This worksheet contains one table."},
		{fmt.Sprintf("Geographies are as of %d local authority boundaries.", bound)},
		{"Source: Cornerstone demo generator (not ONS)."},
		{"Figures may not add exactly due to rounding."},
		{"Some cells refer to notes which can be found on the notes worksheet."},
		{},
		header,
	}
	var lads []Area
	counties := map[string]Area{}
	for _, a := range m.areas {
		if !a.exists(date) {
			continue
		}
		if a.Type == "CTY" {
			counties[a.Code] = a
			continue
		}
		lads = append(lads, a)
	}
	row := func(code, name, geo string, units []string) []any {
		r := []any{code, name, geo}
		var all int64
		ages := make([]int64, 91)
		for age := 0; age <= 90; age++ {
			for _, u := range units {
				ages[age] += m.count(u, year, 0, age)
			}
			all += ages[age]
		}
		r = append(r, all)
		for _, v := range ages {
			r = append(r, v)
		}
		return r
	}
	var everything []string
	regions := map[string][]string{}
	for _, a := range lads {
		everything = append(everything, m.bases[a.Code]...)
		regions[a.Region] = append(regions[a.Region], m.bases[a.Code]...)
	}
	rows = append(rows, row("K04000001", "ENGLAND AND WALES", "Country", everything))
	rows = append(rows, row("E92000001", "ENGLAND", "Country", everything))
	var regionNames []string
	for r := range regions {
		regionNames = append(regionNames, r)
	}
	sort.Slice(regionNames, func(i, j int) bool { return regionCodes[regionNames[i]] < regionCodes[regionNames[j]] })
	for _, r := range regionNames {
		rows = append(rows, row(regionCodes[r], r, "Region", regions[r]))
	}
	var codes []string
	for c := range counties {
		codes = append(codes, c)
	}
	for _, a := range lads {
		codes = append(codes, a.Code)
	}
	sort.Strings(codes)
	for _, c := range codes {
		a := m.byCode[c]
		units := m.bases[c]
		if a.Type == "CTY" {
			units = nil
			for _, d := range lads {
				if d.County == a.Register {
					units = append(units, m.bases[d.Code]...)
				}
			}
		}
		rows = append(rows, row(a.Code, a.Name, geographyLabel[a.Type], units))
	}
	return []sheet{
		{Name: "Cover", Rows: [][]any{{"Population estimates for England and Wales: mid-" + strconv.Itoa(year)}, {Label}}},
		{Name: "Contents", Rows: [][]any{{"Worksheet name", "Worksheet title"}, {"MYE2 - Persons", "Population estimates by single year of age, persons"}}},
		{Name: "MYE2 - Persons", Rows: rows},
	}
}

// myeb1 writes the detailed time series on the latest (2023) boundaries: one row per district or
// unitary, sex and age, one population_YYYY column per year.
func (m *popModel) myeb1(first, last int) []sheet {
	header := []any{"ladcode23", "laname23", "country", "sex", "age"}
	for y := first; y <= last; y++ {
		header = append(header, fmt.Sprintf("population_%d", y))
	}
	rows := [][]any{{"MYEB1: Detailed time series of population estimates by single year of age and sex, local authorities, mid-" + strconv.Itoa(first) + " to mid-" + strconv.Itoa(last) + ". " + Label}, header}
	var lads []Area
	for _, a := range m.areas {
		if a.Type != "CTY" && a.exists("2023-06-30") {
			lads = append(lads, a)
		}
	}
	sort.Slice(lads, func(i, j int) bool { return lads[i].Code < lads[j].Code })
	for _, a := range lads {
		for sex := 1; sex <= 2; sex++ {
			for age := 0; age <= 90; age++ {
				r := []any{a.Code, a.Name, "E", sex, age}
				for y := first; y <= last; y++ {
					r = append(r, m.count(a.Code, y, sex, age))
				}
				rows = append(rows, r)
			}
		}
	}
	return []sheet{
		{Name: "Cover sheet", Rows: [][]any{{"Mid-" + strconv.Itoa(first) + " to mid-" + strconv.Itoa(last) + " detailed time series"}, {Label}}},
		{Name: "Contents", Rows: [][]any{{"Worksheet name"}, {"MYEB1"}}},
		{Name: "Notes", Rows: [][]any{{"Note number", "Note text"}, {"1", Label}}},
		{Name: "MYEB1", Rows: rows},
	}
}
