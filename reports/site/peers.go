package site

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/cornerstone-data/cornerstone/reports/charts"
)

func (s *Site) areaLabel(code string) string {
	if n, ok := s.areaNames[code]; ok {
		return n
	}
	return code
}

// peersSection: the council's nearest neighbours and why, a comparison with the peer median on
// every KPI, and one bar chart per KPI of the council among its neighbours.
func (s *Site) peersSection(_ context.Context, a Area, sec *section) error {
	code := strings.ToLower(a.Code)
	if !s.ev.has(tNeighbours) {
		sec.Missing = append(sec.Missing, notLoaded(tNeighbours, "statistical neighbours"))
	} else if ns := s.ev.peers[a.Code]; len(ns) == 0 {
		sec.Missing = append(sec.Missing, noRows(tNeighbours, a))
	} else {
		var names []string
		t := &Table{ID: "peers-" + code + "-neighbours", Caption: "Nearest neighbours of " + a.Name,
			Columns:  []Column{{Name: "Rank", Num: true}, {Name: "Council"}, {Name: "Distance", Num: true}, {Name: "Why they are neighbours"}, {Name: "Model version"}},
			Citation: s.cite(nil, fbPeers).String()}
		for _, n := range ns {
			name := s.areaLabel(n.Code)
			names = append(names, name)
			cell := T(name + " (" + n.Code + ")")
			if _, ok := s.areaNames[n.Code]; ok {
				cell.Href = n.Code + ".html"
			}
			t.Rows = append(t.Rows, []Cell{N(float64(n.Rank)), cell, N(n.Distance), T(n.Reasons), T(n.Model)})
		}
		sec.Sentences = append(sec.Sentences, say("neighbours", map[string]any{"Model": ns[0].Model, "N": len(ns), "Area": a.Name, "Names": strings.Join(names, ", ")}))
		tv, err := s.table(t, "../")
		if err != nil {
			return err
		}
		sec.Tables = append(sec.Tables, tv)
	}
	if len(s.ev.kpis) == 0 {
		if !s.ev.has(tCatalogue) {
			sec.Missing = append(sec.Missing, notLoaded(tCatalogue, "KPI catalogue"))
		}
		return nil
	}
	cmp := &Table{ID: "peers-" + code + "-kpis", Caption: a.Name + " against the peer median, latest period of each KPI",
		Columns: []Column{{Name: "KPI"}, {Name: "Period"}, {Name: "Value", Num: true}, {Name: "Peer median", Num: true},
			{Name: "Difference from peer median", Num: true, Unit: "%"}, {Name: "Peers", Num: true}},
		Citation: s.cite(nil, fbKPI).String()}
	if s.opts.Quartiles {
		cmp.Columns = append(cmp.Columns, Column{Name: "Peer rank", Num: true}, Column{Name: "National percentile", Num: true})
	}
	for _, k := range s.ev.kpis {
		pts := s.ev.series(k.ID, a.Code)
		if len(pts) == 0 {
			continue
		}
		last := pts[len(pts)-1]
		b, _ := s.ev.benchAt(k.ID, a.Code, last.Period)
		med, gap := math.NaN(), math.NaN()
		if b.Period != "" {
			med, gap = b.PeerMedian, b.PeerGap*100
		}
		row := []Cell{L(k.Title, "../kpis/"+slug(k.ID)+".html"), T(last.Period), N(last.Value), N(med), N(gap), N(float64(b.PeerN))}
		if s.opts.Quartiles {
			row = append(row, N(intOrNaN(b.PeerRank)), N(b.NationalPct))
		}
		cmp.Rows = append(cmp.Rows, row)
		if c := s.peerBars(k, a, last.Period); c != nil {
			cv, err := s.chart(c, "../")
			if err != nil {
				return err
			}
			sec.Charts = append(sec.Charts, cv)
		}
	}
	if len(cmp.Rows) > 0 {
		tv, err := s.table(cmp, "../")
		if err != nil {
			return err
		}
		sec.Tables = append(sec.Tables, tv)
	}
	return nil
}

func intOrNaN(i int) float64 {
	if i == 0 {
		return math.NaN()
	}
	return float64(i)
}

// valueAt returns an area's KPI value in a period.
func (e *evidence) valueAt(kpi, area, period string) float64 {
	for _, p := range e.values[kpi][area] {
		if p.Period == period {
			return p.Value
		}
	}
	return math.NaN()
}

// peerBars draws the council and its neighbours on one KPI in one period, the council
// highlighted, in the neighbour model's order (not ranked by value unless quartiles are asked for).
func (s *Site) peerBars(k KPI, a Area, period string) *charts.Chart {
	ns := s.ev.peers[a.Code]
	if len(ns) == 0 {
		return nil
	}
	unit := kpiUnit(k, s.ev.series(k.ID, a.Code))
	cats := []string{a.Name}
	vals := []float64{s.ev.valueAt(k.ID, a.Code, period)}
	any := false
	for _, n := range ns {
		v := s.ev.valueAt(k.ID, n.Code, period)
		any = any || !math.IsNaN(v)
		cats, vals = append(cats, s.areaLabel(n.Code)), append(vals, v)
	}
	if !any {
		return nil
	}
	if s.opts.Quartiles {
		sortByValue(cats, vals)
	}
	hl := map[int]bool{}
	for i, c := range cats {
		if c == a.Name {
			hl[i] = true
		}
	}
	title := fmt.Sprintf("%s: %s in %s", k.Title, charts.FormatValue(s.ev.valueAt(k.ID, a.Code, period), unit), a.Name)
	if b, ok := s.ev.benchAt(k.ID, a.Code, period); ok && !math.IsNaN(b.PeerMedian) {
		title += fmt.Sprintf(" against a peer median of %s", charts.FormatValue(b.PeerMedian, unit))
	}
	title += ", " + period
	var refs []string
	for _, p := range s.ev.series(k.ID, a.Code) {
		refs = append(refs, splitRefs(p.Sources)...)
	}
	return &charts.Chart{ID: "kpi-" + slug(k.ID) + "-" + strings.ToLower(a.Code) + "-peers", Title: title,
		Subtitle: k.Title + ", " + a.Name + " and its nearest neighbours, " + period, Kind: charts.Bars, XLabel: "Council", YLabel: unit, Unit: unit,
		Categories: cats, Series: []charts.Series{{Name: k.Title, Values: vals, Highlight: hl}}, Citation: s.cite(uniq(refs), fbKPI)}
}

// sortByValue orders bars from highest to lowest, missing values last.
func sortByValue(cats []string, vals []float64) {
	idx := make([]int, len(cats))
	for i := range idx {
		idx[i] = i
	}
	less := func(i, j int) bool {
		a, b := vals[idx[i]], vals[idx[j]]
		if math.IsNaN(b) {
			return !math.IsNaN(a)
		}
		return a > b
	}
	for i := 1; i < len(idx); i++ { // insertion sort: stable and small
		for j := i; j > 0 && less(j, j-1); j-- {
			idx[j], idx[j-1] = idx[j-1], idx[j]
		}
	}
	c2, v2 := append([]string{}, cats...), append([]float64{}, vals...)
	for i, k := range idx {
		cats[i], vals[i] = c2[k], v2[k]
	}
}

// trendsSection: the direction of travel of every KPI held for the council.
func (s *Site) trendsSection(_ context.Context, a Area, sec *section) error {
	if !s.ev.has(tValues) {
		sec.Missing = append(sec.Missing, notLoaded(tValues, "KPI values"))
		return nil
	}
	t := &Table{ID: "trends-" + strings.ToLower(a.Code), Caption: "Direction of travel of every KPI held for " + a.Name,
		Columns: []Column{{Name: "KPI"}, {Name: "First period"}, {Name: "First value", Num: true}, {Name: "Latest period"}, {Name: "Latest value", Num: true},
			{Name: "Change", Num: true, Unit: "%"}, {Name: "Direction"}, {Name: "Real-terms change over 3 years", Num: true, Unit: "%"}},
		Citation: s.cite(nil, fbKPI).String()}
	for _, k := range s.ev.kpis {
		pts := s.ev.series(k.ID, a.Code)
		if len(pts) == 0 {
			continue
		}
		f, l := pts[0], pts[len(pts)-1]
		ch := math.NaN()
		if f.Value != 0 && len(pts) > 1 {
			ch = (l.Value/f.Value - 1) * 100
		}
		b, _ := s.ev.benchAt(k.ID, a.Code, l.Period)
		real3 := math.NaN()
		if b.Period != "" {
			real3 = b.Change3y * 100
		}
		t.Rows = append(t.Rows, []Cell{L(k.Title, "../kpis/"+slug(k.ID)+".html"), T(f.Period), N(f.Value), T(l.Period), N(l.Value), N(ch), T(direction(b.Direction, ch, k.Polarity)), N(real3)})
	}
	if len(t.Rows) == 0 {
		sec.Missing = append(sec.Missing, noRows(tValues, a))
		return nil
	}
	tv, err := s.table(t, "../")
	if err != nil {
		return err
	}
	sec.Tables = append(sec.Tables, tv)
	return nil
}

// direction words the direction of travel: the mart's when it gives one, else increasing or
// decreasing (improving or worsening only for KPIs with a polarity).
func direction(given string, changePct float64, polarity string) string {
	if given != "" {
		return given
	}
	if math.IsNaN(changePct) {
		return "not enough periods"
	}
	verb, _ := changeWords(changePct, polarity)
	verb, _, _ = strings.Cut(verb, ",")
	return verb
}
