package site

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/cornerstone-data/cornerstone/reports/charts"
)

func (s *Site) populationSection(ctx context.Context, a Area, root string) (*section, error) {
	if !s.ev.has(tPopulation) {
		return nil, nil
	}
	type row struct {
		year       int
		population float64
		vintage    string
	}
	rows, err := byArea(ctx, s, "population", tPopulation, `SELECT area_code, year, population, vintage FROM marts.area_population
		WHERE area_code IS NOT NULL ORDER BY area_code, year`,
		a.Code, func(r *sql.Rows) (string, row, error) {
			var code string
			var x row
			err := r.Scan(&code, &x.year, &x.population, &x.vintage)
			return code, x, err
		})
	if err != nil {
		return nil, err
	}
	var years []string
	var vals []float64
	vintages := map[string]bool{}
	for _, x := range rows {
		years = append(years, strconv.Itoa(x.year))
		vals = append(vals, x.population)
		vintages[x.vintage] = true
	}
	if len(vals) == 0 {
		return nil, nil
	}
	first, last := vals[0], vals[len(vals)-1]
	change := (last - first) / first * 100
	verb := "grew"
	if change < 0 {
		verb = "fell"
	}
	title := fmt.Sprintf("%s's population %s %s%% from mid-%s to mid-%s", a.Name, verb, trim1(math.Abs(change)), years[0], years[len(years)-1])
	if len(vals) == 1 || math.Abs(change) < 0.05 {
		title = fmt.Sprintf("%s's population was %s in mid-%s", a.Name, charts.FormatValue(last, "people"), years[len(years)-1])
	}
	sentence := fmt.Sprintf("%s had an estimated %s residents in mid-%s", a.Name, charts.FormatValue(last, "people"), years[len(years)-1])
	if len(vals) > 1 {
		sentence += fmt.Sprintf(", against %s in mid-%s (%s%s%%)", charts.FormatValue(first, "people"), years[0], sign(change), trim1(change))
	}
	sentence += "."
	var vs []string
	for v := range vintages {
		vs = append(vs, v)
	}
	sort.Strings(vs)
	var cites []charts.Source
	for _, v := range vs {
		if r, ok := s.release("ons-population", v); ok {
			cites = append(cites, r.Cite("Mid-year population estimates ("+v+")"))
		}
	}
	if len(cites) == 0 {
		cites = append(cites, charts.Source{Publisher: "Office for National Statistics", Dataset: "Mid-year population estimates"})
	}
	c := &charts.Chart{
		ID: "population-" + strings.ToLower(a.Code), Title: title, Subtitle: "Resident population, mid-year estimates",
		Kind: charts.Line, XLabel: "Mid-year", YLabel: "Residents", Unit: "people", Categories: years,
		Series:   []charts.Series{{Name: a.Name, Values: vals}},
		Citation: charts.Citation{Sources: cites},
	}
	cv, err := s.chart(c, root)
	if err != nil {
		return nil, err
	}
	return &section{ID: "population", Heading: "Population", Sentences: []string{sentence}, Charts: []chartView{cv}}, nil
}

func trim1(v float64) string {
	return strings.TrimSuffix(strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64), ".0")
}

func sign(v float64) string {
	if v > 0 {
		return "+"
	}
	return ""
}
