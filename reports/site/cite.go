package site

import (
	"regexp"
	"sort"
	"strings"

	"github.com/cornerstone-data/cornerstone/reports/charts"
)

var refSplit = regexp.MustCompile(`\s*[,;|]\s*`)

// splitRefs splits a free-text list of source references ("mhclg-ro5, ons-population").
func splitRefs(s string) []string {
	var out []string
	for _, r := range refSplit.Split(strings.TrimSpace(s), -1) {
		if r != "" {
			out = append(out, r)
		}
	}
	return out
}

// cite resolves references to the releases held in meta.releases: a source id cites that source's
// releases (one entry naming the vintages held), a release title, dataset or vintage cites that
// release, and "source:vintage" cites one release. A reference that matches nothing is cited as
// written under the fallback publisher and dataset, so every figure still names where it came from.
// With no references, the fallback alone is cited.
func (s *Site) cite(refs []string, fallback charts.Source) charts.Citation {
	var out []charts.Source
	seen := map[string]bool{}
	add := func(src charts.Source) {
		if k := src.String(); !seen[k] {
			seen[k] = true
			out = append(out, src)
		}
	}
	refs = append([]string{}, refs...)
	sort.Strings(refs)
	for _, ref := range refs {
		if rs := s.releasesOf(ref); len(rs) > 0 {
			add(group(rs))
			continue
		}
		matched := false
		for _, r := range s.releases {
			if ref == r.Title || ref == r.Vintage || ref == r.Dataset || ref == r.Source+":"+r.Vintage || ref == r.Source+"/"+r.Vintage {
				add(r.Cite(r.Title))
				matched = true
				break
			}
		}
		if !matched {
			f := fallback
			f.Release = ref
			add(f)
		}
	}
	if len(out) == 0 {
		add(fallback)
	}
	return charts.Citation{Sources: out}
}

// releasesOf returns the releases of a source id.
func (s *Site) releasesOf(source string) []Release {
	var out []Release
	for _, r := range s.releases {
		if r.Source == source {
			out = append(out, r)
		}
	}
	return out
}

// group cites several releases of one source as one entry: the latest release's publisher, title
// and licence, with every vintage held.
func group(rs []Release) charts.Source {
	last := rs[len(rs)-1]
	if len(rs) == 1 {
		return last.Cite(last.Title)
	}
	var vs []string
	retrieved := ""
	for _, r := range rs {
		vs = append(vs, r.Vintage)
		retrieved = max(retrieved, r.Retrieved)
	}
	src := last.Cite(last.Title)
	src.Release = "releases " + strings.Join(vs, ", ")
	src.Retrieved = retrieved
	return src
}

// Fallback citations for tables whose rows do not name a held release.
var (
	fbSpend      = charts.Source{Publisher: "Ministry of Housing, Communities and Local Government", Dataset: "Local authority revenue expenditure and financing (RO5)", Licence: "Open Government Licence v3.0"}
	fbLibraries  = charts.Source{Publisher: "Arts Council England", Dataset: "Libraries activity data", Licence: "Open Government Licence v3.0"}
	fbEngagement = charts.Source{Publisher: "Department for Culture, Media and Sport", Dataset: "Participation Survey local authority estimates", Licence: "Open Government Licence v3.0"}
	fbFunding    = charts.Source{Publisher: "Funders' published grants data", Dataset: "Culture funding awards"}
	fbReturns    = charts.Source{Publisher: "Councils' own returns", Dataset: "Local investment returns"}
	fbKPI        = charts.Source{Publisher: "Cornerstone", Dataset: "KPI marts (marts.kpi_values, marts.kpi_benchmarks)"}
	fbPeers      = charts.Source{Publisher: "Cornerstone", Dataset: "Peer neighbour model (marts.peer_neighbours)"}
)

// citeSources cites the held releases of every source whose id contains one of the hints (the
// publishers' tables name no release per row), else the fallback.
func (s *Site) citeSources(fallback charts.Source, hints ...string) charts.Citation {
	var refs []string
	seen := map[string]bool{}
	for _, r := range s.releases {
		for _, h := range hints {
			if strings.Contains(r.Source, h) && !seen[r.Source] {
				seen[r.Source] = true
				refs = append(refs, r.Source)
			}
		}
	}
	return s.cite(refs, fallback)
}
