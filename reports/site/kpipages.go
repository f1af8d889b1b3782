package site

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/cornerstone-data/cornerstone/reports/charts"
)

// maxBars is the most councils drawn in one bar chart; beyond it the table carries the values.
const maxBars = 60

// kpiPage writes kpis/<id>.html: the definition, every council's values, the median over time and
// coverage.
func (s *Site) kpiPage(k KPI) error {
	id := slug(k.ID)
	facts := []fact{{"KPI id", k.ID}, {"Theme", k.Theme}, {"Definition", k.Definition}, {"Numerator", k.Numerator},
		{"Denominator", k.Denominator}, {"Unit", k.Unit}, {"How to read it", polarityText(k.Polarity)}, {"Sources", k.Sources}, {"Caveats", k.Caveats}}
	var secs []section
	periods := s.ev.periods(k.ID)
	if len(periods) == 0 {
		secs = append(secs, section{ID: "values", Heading: "Values", Missing: []string{fmt.Sprintf("No values of %s are held in marts.kpi_values.", k.ID)}})
		return s.write("kpis/"+id+".html", page{Title: k.Title, Template: "kpi", Facts: facts, Sections: secs})
	}
	var refs []string
	areas := sortedKeys(s.ev.values[k.ID])
	unit := k.Unit
	for _, a := range areas {
		for _, p := range s.ev.values[k.ID][a] {
			refs = append(refs, splitRefs(p.Sources)...)
			if unit == "" {
				unit = p.Unit
			}
		}
	}
	cite := s.cite(uniq(refs), fbKPI)
	latest := periods[len(periods)-1]

	// Latest values, councils in name order (context, not a league table) unless quartiles.
	sort.SliceStable(areas, func(i, j int) bool {
		return s.areaLabel(areas[i])+areas[i] < s.areaLabel(areas[j])+areas[j]
	})
	vals := section{ID: "values", Heading: "Values by council"}
	shown := periods
	if len(shown) > 6 {
		shown = shown[len(shown)-6:]
	}
	t := &Table{ID: "kpi-" + id + "-values", Caption: k.Title + " by council, " + shown[0] + " to " + latest, Columns: []Column{{Name: "Council"}, {Name: "Code"}},
		Citation: cite.String()}
	for _, p := range shown {
		t.Columns = append(t.Columns, Column{Name: p, Num: true, Unit: unit})
	}
	var cats []string
	var lv []float64
	for _, a := range areas {
		name := T(s.areaLabel(a))
		if s.pageSet[a] {
			name.Href = "../areas/" + a + ".html"
		}
		row := []Cell{name, T(a)}
		for _, p := range shown {
			row = append(row, N(s.ev.valueAt(k.ID, a, p)))
		}
		t.Rows = append(t.Rows, row)
		if v := s.ev.valueAt(k.ID, a, latest); !math.IsNaN(v) {
			cats, lv = append(cats, s.areaLabel(a)), append(lv, v)
		}
	}
	if len(cats) > 0 && len(cats) <= maxBars {
		if s.opts.Quartiles {
			sortByValue(cats, lv)
		}
		hi, lo := 0, 0
		for i := range lv {
			if lv[i] > lv[hi] {
				hi = i
			}
			if lv[i] < lv[lo] {
				lo = i
			}
		}
		c := &charts.Chart{ID: "kpi-" + id + "-latest",
			Title:    fmt.Sprintf("%s ranged from %s to %s across %d councils in %s", k.Title, charts.FormatValue(lv[lo], unit), charts.FormatValue(lv[hi], unit), len(lv), latest),
			Subtitle: k.Title + ", " + latest + ", councils in name order", Kind: charts.Bars, XLabel: "Council", YLabel: unit, Unit: unit,
			Categories: cats, Series: []charts.Series{{Name: k.Title, Values: lv}}, Citation: cite}
		if s.opts.Quartiles {
			c.Subtitle = k.Title + ", " + latest + ", highest first"
		}
		cv, err := s.chart(c, "../")
		if err != nil {
			return err
		}
		vals.Charts = append(vals.Charts, cv)
	} else if len(cats) > maxBars {
		vals.Intro = append(vals.Intro, fmt.Sprintf("%d councils have a value in %s; the table lists them all.", len(cats), latest))
	}
	tv, err := s.table(t, "../")
	if err != nil {
		return err
	}
	vals.Tables = append(vals.Tables, tv)

	// The median of councils with a value, and how many reported, per period.
	over := section{ID: "over-time", Heading: "Over time and coverage"}
	med := make([]float64, len(periods))
	cov := &Table{ID: "kpi-" + id + "-coverage", Caption: "Councils with a value of " + k.Title + " and their median, by period",
		Columns:  []Column{{Name: "Period"}, {Name: "Councils with a value", Num: true}, {Name: "Councils expected", Num: true}, {Name: "Median of councils with a value", Num: true, Unit: unit}},
		Citation: cite.String()}
	for i, p := range periods {
		var xs []float64
		expected := 0
		for _, a := range areas {
			if v := s.ev.valueAt(k.ID, a, p); !math.IsNaN(v) {
				xs = append(xs, v)
			}
			if b, ok := s.ev.benchAt(k.ID, a, p); ok && b.CoverageExpected > expected {
				expected = b.CoverageExpected
			}
		}
		med[i] = median(xs)
		cov.Rows = append(cov.Rows, []Cell{T(p), N(float64(len(xs))), N(intOrNaN(expected)), N(med[i])})
	}
	if len(periods) > 1 {
		f, l := med[0], med[len(med)-1]
		title := fmt.Sprintf("The median %s was %s in %s", lowerFirst(k.Title), charts.FormatValue(l, unit), latest)
		if f != 0 && !math.IsNaN(f) && !math.IsNaN(l) {
			verb, _ := changeWords(l/f-1, k.Polarity)
			title = fmt.Sprintf("The median %s %s %s from %s to %s", lowerFirst(k.Title), verb, pct(l/f-1), periods[0], latest)
		}
		c := &charts.Chart{ID: "kpi-" + id + "-median", Title: title, Subtitle: "Median of councils with a value in each period (the councils reporting can change)",
			Kind: charts.Line, XLabel: "Period", YLabel: unit, Unit: unit, Categories: periods,
			Series: []charts.Series{{Name: "Median of councils", Values: med}}, Citation: cite}
		cv, err := s.chart(c, "../")
		if err != nil {
			return err
		}
		over.Charts = append(over.Charts, cv)
	}
	if tv, err = s.table(cov, "../"); err != nil {
		return err
	}
	over.Tables = append(over.Tables, tv)
	secs = append(secs, vals, over)
	if sec, ok := s.checksSection(k.ID); ok {
		secs = append(secs, sec)
	}
	return s.write("kpis/"+id+".html", page{Title: k.Title, Template: "kpi", Facts: facts, Sections: secs})
}

func polarityText(p string) string {
	switch p {
	case "higher_is_better":
		return "Higher is better."
	case "lower_is_better":
		return "Lower is better."
	}
	return "Context: neither a higher nor a lower value is good or bad on its own."
}

func lowerFirst(s string) string {
	if len(s) > 1 && strings.ToUpper(s[:2]) != s[:2] {
		return strings.ToLower(s[:1]) + s[1:]
	}
	return s
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	ys := append([]float64{}, xs...)
	sort.Float64s(ys)
	n := len(ys)
	if n%2 == 1 {
		return ys[n/2]
	}
	return (ys[n/2-1] + ys[n/2]) / 2
}

type fact struct{ Term, Def string }
