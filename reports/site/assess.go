package site

import (
	"fmt"
	"math"
	"strings"

	"github.com/cornerstone-data/cornerstone/reports/charts"
)

// The self-assessment pack of a council, in the spirit of the Culture and Sport Improvement
// Toolkit: themes → KPIs → evidence → prompts for peer challenge. Prompts are questions filled from
// templates by what the data shows; they never judge.

var themePrompts = []string{
	"Which outcomes for residents does this theme serve, and how does the council know it is achieving them?",
	"What local evidence (surveys, case studies, partner data) adds to the national figures here?",
	"What would good look like in three years, and who needs to be involved?",
}

func (s *Site) kpiPrompts(k KPI, a Area) []string {
	pts := s.ev.series(k.ID, a.Code)
	if len(pts) == 0 {
		return []string{fmt.Sprintf("No national figure for %s is held for %s. What local evidence could show this?", lowerFirst(k.Title), a.Name)}
	}
	last := pts[len(pts)-1]
	unit := kpiUnit(k, pts)
	var out []string
	b, ok := s.ev.benchAt(k.ID, a.Code, last.Period)
	if ok && !math.IsNaN(b.PeerMedian) && last.Value != b.PeerMedian {
		side := "above"
		if last.Value < b.PeerMedian {
			side = "below"
		}
		q := "What explains the difference, and is it a deliberate choice?"
		if k.Polarity == "context" || k.Polarity == "" {
			q = "What does this reflect locally (choices, geography, how services are organised), and what does it achieve for residents?"
		}
		out = append(out, fmt.Sprintf("%s is %s the peer median in %s (%s against %s). %s", k.Title, side, last.Period,
			charts.FormatValue(last.Value, unit), charts.FormatValue(b.PeerMedian, unit), q))
	}
	if len(pts) > 1 && pts[0].Value != 0 {
		ch := last.Value/pts[0].Value - 1
		if ch != 0 {
			verb, _ := changeWords(ch, k.Polarity)
			verb, _, _ = strings.Cut(verb, ",")
			out = append(out, fmt.Sprintf("%s %s %s between %s and %s. What drove the change, and is it expected to continue?", k.Title, verb, pct(ch), pts[0].Period, last.Period))
		}
	}
	if ok && b.CoverageExpected > 0 && float64(b.CoverageReporting) < 0.75*float64(b.CoverageExpected) {
		out = append(out, fmt.Sprintf("Only %d of %d councils reported %s for %s. How far can the comparison be relied on?", b.CoverageReporting, b.CoverageExpected, lowerFirst(k.Title), last.Period))
	}
	return out
}

// assessPage writes assess/<code>.html.
func (s *Site) assessPage(a Area) error {
	code := strings.ToLower(a.Code)
	var secs []section
	if len(s.ev.kpis) == 0 {
		secs = append(secs, section{ID: "themes", Heading: "Themes", Missing: []string{notLoaded(tCatalogue, "KPI catalogue") + " The self-assessment has no indicators until it is built."}})
	}
	themes := map[string][]KPI{}
	for _, k := range s.ev.kpis {
		themes[k.Theme] = append(themes[k.Theme], k)
	}
	for _, th := range sortedKeys(themes) {
		sec := section{ID: "theme-" + slug(th), Heading: "Theme: " + th,
			Intro: []string{"The indicators below are the evidence for this theme. The prompts are questions for a peer challenge conversation, not judgements."}}
		t := &Table{ID: "assess-" + code + "-" + slug(th), Caption: "Evidence for the theme " + th + ", " + a.Name,
			Columns:  []Column{{Name: "KPI"}, {Name: "Latest period"}, {Name: "Value"}, {Name: "Peer median"}, {Name: "Direction"}, {Name: "Coverage"}, {Name: "Evidence"}},
			Citation: s.cite(nil, fbKPI).String()}
		for _, k := range themes[th] {
			pts := s.ev.series(k.ID, a.Code)
			row := []Cell{L(k.Title, "../kpis/"+slug(k.ID)+".html")}
			if len(pts) == 0 {
				row = append(row, T("none held"), T(""), T(""), T(""), T(""), T(""))
			} else {
				unit := kpiUnit(k, pts)
				f, l := pts[0], pts[len(pts)-1]
				b, ok := s.ev.benchAt(k.ID, a.Code, l.Period)
				med, cov, dir := "", l.Coverage, ""
				ch := math.NaN()
				if f.Value != 0 && len(pts) > 1 {
					ch = l.Value/f.Value - 1
				}
				if ok {
					if !math.IsNaN(b.PeerMedian) {
						med = charts.FormatValue(b.PeerMedian, unit)
					}
					if b.CoverageExpected > 0 {
						cov = fmt.Sprintf("%d of %d councils", b.CoverageReporting, b.CoverageExpected)
					}
				}
				dir = direction(b.Direction, ch, k.Polarity)
				row = append(row, T(l.Period), T(charts.FormatValue(l.Value, unit)), T(med), T(dir), T(cov),
					L("chart in the evidence pack", "../areas/"+a.Code+".html#kpi-"+slug(k.ID)))
				sec.Sentences = append(sec.Sentences, s.kpiSentences(k, a)...)
			}
			t.Rows = append(t.Rows, row)
			sec.Prompts = append(sec.Prompts, s.kpiPrompts(k, a)...)
		}
		sec.Prompts = append(sec.Prompts, themePrompts...)
		tv, err := s.table(t, "../")
		if err != nil {
			return err
		}
		sec.Tables = append(sec.Tables, tv)
		secs = append(secs, sec)
	}
	missing := section{ID: "gaps", Heading: "Evidence not yet loaded"}
	for _, tb := range []struct{ t, what string }{{tSpend, "council revenue spend"}, {tLibActivity, "library activity"}, {tEngagement, "Participation Survey estimates"},
		{tAwards, "external funding awards"}, {tReturns, "local investment returns"}, {tValues, "KPI values"}, {tBenchmarks, "peer benchmarks"}, {tNeighbours, "statistical neighbours"}} {
		if !s.ev.has(tb.t) {
			missing.Missing = append(missing.Missing, notLoaded(tb.t, tb.what))
		}
	}
	if len(missing.Missing) > 0 {
		missing.Prompts = []string{"Which of these gaps can local data fill before the peer challenge?"}
		secs = append(secs, missing)
	}
	return s.write("assess/"+a.Code+".html", page{Title: a.Name + ": self-assessment", Area: a, Template: "assess", Sections: secs})
}
