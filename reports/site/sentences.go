package site

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"text/template"

	"github.com/cornerstone-data/cornerstone/reports/charts"
	"github.com/cornerstone-data/cornerstone/reports/format"
)

// Sentences are filled from fixed templates with numbers read from the warehouse; nothing is said
// that the data does not hold. Wording follows the KPI's polarity: "context" measures (spend) only
// increase or decrease; measures where higher or lower is better may improve or worsen.
var sentenceTmpl = template.Must(template.New("").Parse(`
{{define "kpi_change"}}{{.Title}} in {{.Area}} {{.Verb}}{{if .Pct}} {{.Pct}}{{end}} between {{.From}} and {{.To}}, from {{.V0}} to {{.V1}}{{if .PeerPct}}, against a peer median {{.PeerNoun}}{{if .PeerPctNum}} of {{.PeerPct}}{{end}}{{end}}.{{end}}
{{define "kpi_single"}}{{.Title}} in {{.Area}} was {{.V1}} in {{.To}}; no earlier period is held.{{end}}
{{define "kpi_position"}}In {{.To}} the peer median was {{.Median}} ({{.PeerN}} councils in the peer group){{if .Gap}}; {{.Area}} was {{.Gap}} {{.Side}} it{{end}}.{{end}}
{{define "kpi_rank"}}Among peers it ranked {{.PeerRank}} of {{.PeerN}}{{if .NationalRank}}, and {{.NationalRank}} of {{.NationalN}} nationally{{end}} (1 = highest value).{{end}}
{{define "kpi_real"}}In real terms, the change over the three years to {{.To}} was {{.Pct}}.{{end}}
{{define "kpi_coverage"}}For {{.To}}, {{.Reporting}} of {{.Expected}} expected councils reported this measure.{{end}}
{{define "engagement"}}In {{.Year}}, {{.Pct}} of respondents in {{.Area}} said: {{.Measure}} (95% confidence interval {{.Lo}} to {{.Hi}}{{if .N}}; {{.N}} respondents{{end}}).{{if .England}} England: {{.England}}; {{.Diff}}.{{end}}{{end}}
{{define "funding"}}Funders in the data recorded {{.Total}} in {{.N}} awards to recipients in {{.Area}}{{if .From}} dated {{.From}} to {{.To}}{{end}}; the largest funder was {{.Top}} with {{.TopAmount}} ({{.TopShare}} of the total).{{end}}
{{define "returns"}}{{.Area}}'s own returns record {{.Total}} of local investment across {{.N}} source types; the largest was {{.Top}} ({{.TopAmount}}).{{end}}
{{define "neighbours"}}Cornerstone's neighbour model{{if .Model}} (version {{.Model}}){{end}} names {{.N}} nearest neighbours for {{.Area}}: {{.Names}}.{{end}}
{{define "library"}}{{.Measure}} in {{.Area}}: {{.V1}} in {{.To}}{{if .From}}, against {{.V0}} in {{.From}}{{if .Pct}} ({{.Pct}}){{end}}{{end}}.{{end}}
`))

func say(name string, data any) string {
	var b bytes.Buffer
	if err := sentenceTmpl.ExecuteTemplate(&b, name, data); err != nil {
		// The templates are fixed and their data typed; a failure is a programming error.
		panic(fmt.Sprintf("sentence %s: %v", name, err))
	}
	return strings.TrimSpace(b.String())
}

// pct formats a fraction as an unsigned percentage ("31%", "4.5%").
func pct(f float64) string { return format.Share(math.Abs(f)) }

// spct formats a fraction as a signed percentage ("+4.5%", "−31%").
func spct(f float64) string { return format.SignedShare(f) }

// changeWords returns the verb for a change and the noun for the peers' change, by polarity.
func changeWords(change float64, polarity string) (verb, noun string) {
	up := change > 0
	switch {
	case change == 0:
		return "was unchanged", "change"
	case polarity == "higher_is_better" && up, polarity == "lower_is_better" && !up:
		if up {
			return "improved, rising", "rise"
		}
		return "improved, falling", "fall"
	case polarity == "higher_is_better" || polarity == "lower_is_better":
		if up {
			return "worsened, rising", "rise"
		}
		return "worsened, falling", "fall"
	case up:
		return "increased", "increase"
	default:
		return "decreased", "decrease"
	}
}

func peerNoun(change float64, polarity string) string {
	if change == 0 {
		return "change of 0%"
	}
	_, n := changeWords(change, polarity)
	return n
}

// kpiSentences states an area's KPI: its change since the first period held against the peer
// median's change over the same periods, its latest position against peers, the real-terms change
// and coverage when the marts give them. Ranks are stated only in quartiles mode.
func (s *Site) kpiSentences(k KPI, a Area) []string {
	pts := s.ev.series(k.ID, a.Code)
	if len(pts) == 0 {
		return nil
	}
	unit := kpiUnit(k, pts)
	first, last := pts[0], pts[len(pts)-1]
	var out []string
	if len(pts) == 1 {
		out = append(out, say("kpi_single", map[string]any{"Title": k.Title, "Area": a.Name, "V1": charts.FormatValue(last.Value, unit), "To": last.Period}))
	} else {
		d := map[string]any{"Title": k.Title, "Area": a.Name, "From": first.Period, "To": last.Period,
			"V0": charts.FormatValue(first.Value, unit), "V1": charts.FormatValue(last.Value, unit)}
		change := last.Value - first.Value
		if first.Value != 0 {
			change = last.Value/first.Value - 1
			d["Pct"] = pct(change)
		}
		d["Verb"], _ = changeWords(change, k.Polarity)
		b0, ok0 := s.ev.benchAt(k.ID, a.Code, first.Period)
		b1, ok1 := s.ev.benchAt(k.ID, a.Code, last.Period)
		if ok0 && ok1 && !math.IsNaN(b0.PeerMedian) && !math.IsNaN(b1.PeerMedian) && b0.PeerMedian != 0 {
			pc := b1.PeerMedian/b0.PeerMedian - 1
			d["PeerNoun"] = peerNoun(pc, k.Polarity)
			d["PeerPct"] = pct(pc)
			d["PeerPctNum"] = pc != 0
		}
		out = append(out, say("kpi_change", d))
	}
	if b, ok := s.ev.benchAt(k.ID, a.Code, last.Period); ok {
		if !math.IsNaN(b.PeerMedian) && b.PeerN > 0 {
			d := map[string]any{"To": last.Period, "Area": a.Name, "PeerN": b.PeerN, "Median": charts.FormatValue(b.PeerMedian, unit)}
			if b.PeerMedian != 0 && last.Value != b.PeerMedian {
				g := last.Value/b.PeerMedian - 1
				d["Gap"], d["Side"] = pct(g), "above"
				if g < 0 {
					d["Side"] = "below"
				}
			}
			out = append(out, say("kpi_position", d))
		}
		if s.opts.Quartiles && b.PeerRank > 0 && b.PeerN > 0 {
			out = append(out, say("kpi_rank", map[string]any{"PeerRank": b.PeerRank, "PeerN": b.PeerN, "NationalRank": b.NationalRank, "NationalN": b.NationalN}))
		}
		if !math.IsNaN(b.Change3y) {
			out = append(out, say("kpi_real", map[string]any{"To": last.Period, "Pct": spct(b.Change3y)}))
		}
		if b.CoverageExpected > 0 {
			out = append(out, say("kpi_coverage", map[string]any{"To": last.Period, "Reporting": b.CoverageReporting, "Expected": b.CoverageExpected}))
		}
	}
	return out
}

// kpiUnit is the display unit of a KPI: the catalogue's, else the values'.
func kpiUnit(k KPI, pts []Point) string {
	if k.Unit != "" {
		return k.Unit
	}
	for _, p := range pts {
		if p.Unit != "" {
			return p.Unit
		}
	}
	return ""
}
