package site

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/reports/charts"
)

// The evidence pack of one council: population, spend, usage, funding, engagement, peers and
// trends. Each section reads its optional tables and says plainly when they are not loaded.

// notLoaded is the message of a section whose table is missing or empty.
func notLoaded(table, what string) string {
	return fmt.Sprintf("Not loaded yet: %s (%s) has no rows in this warehouse, so this section shows no figures.", table, what)
}

// noRows is the message of a section whose table holds nothing for the area.
func noRows(table string, a Area) string {
	return fmt.Sprintf("%s holds no rows for %s (%s).", table, a.Name, a.Code)
}

// themeSection maps a KPI theme to the pack section that shows it.
func themeSection(theme string) string {
	t := strings.ToLower(theme)
	has := func(ws ...string) bool {
		for _, w := range ws {
			if strings.Contains(t, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("fund", "invest", "leverag", "grant"):
		return "funding"
	case has("spend", "financ", "cost", "expend", "budget"):
		return "spend"
	case has("engag", "particip", "survey", "satisf"):
		return "engagement"
	case has("usage", "use", "librar", "museum", "visit", "provision", "access", "issue", "borrow"):
		return "usage"
	}
	return "trends"
}

// areaPage writes areas/<code>.html.
func (s *Site) areaPage(ctx context.Context, a Area) error {
	const root = "../"
	var sections []section
	pop, err := s.populationSection(ctx, a, root)
	if err != nil {
		return err
	}
	if pop != nil {
		sections = append(sections, *pop)
	}
	steps := []struct {
		id, heading string
		fill        func(context.Context, Area, *section) error
	}{
		{"spend", "Spend", s.spendSection},
		{"usage", "Usage", s.usageSection},
		{"funding", "Funding", s.fundingSection},
		{"engagement", "Engagement", s.engagementSection},
		{"peers", "Peers", s.peersSection},
		{"trends", "Trends", s.trendsSection},
	}
	for _, st := range steps {
		sec := section{ID: st.id, Heading: st.heading}
		if err := st.fill(ctx, a, &sec); err != nil {
			return fmt.Errorf("writing the %s section: %w", st.id, err)
		}
		if err := s.kpiItems(a, st.id, &sec); err != nil {
			return err
		}
		if sec.empty() && len(sec.Missing) == 0 && st.id != "trends" {
			sec.Missing = append(sec.Missing, "No figures are held for this section yet.")
		}
		sections = append(sections, sec)
	}
	p := page{Title: a.Name + ": evidence pack", Area: a, Sections: sections, Template: "area"}
	if s.opts.PDF {
		p.PDF = "../pdf/" + a.Code + ".pdf"
	}
	return s.write("areas/"+a.Code+".html", p)
}

func (sec *section) empty() bool {
	return len(sec.Sentences) == 0 && len(sec.Charts) == 0 && len(sec.Tables) == 0 && len(sec.Items) == 0
}

// kpiItems adds, for each KPI whose theme belongs to the section, its sentences and its trend
// against the peer median.
func (s *Site) kpiItems(a Area, sectionID string, sec *section) error {
	if sectionID == "peers" {
		return nil
	}
	for _, k := range s.ev.kpis {
		if themeSection(k.Theme) != sectionID {
			continue
		}
		pts := s.ev.series(k.ID, a.Code)
		it := item{ID: "kpi-" + slug(k.ID), Heading: k.Title, Href: "../kpis/" + slug(k.ID) + ".html"}
		if len(pts) == 0 {
			it.Missing = fmt.Sprintf("No value of %s is held for %s.", k.ID, a.Name)
			sec.Items = append(sec.Items, it)
			continue
		}
		it.Sentences = s.kpiSentences(k, a)
		c, err := s.kpiTrendChart(k, a, pts)
		if err != nil {
			return err
		}
		cv, err := s.chart(c, "../")
		if err != nil {
			return err
		}
		it.Charts = append(it.Charts, cv)
		sec.Items = append(sec.Items, it)
	}
	return nil
}

// kpiTrendChart draws an area's KPI over time with the peer median dashed.
func (s *Site) kpiTrendChart(k KPI, a Area, pts []Point) (*charts.Chart, error) {
	unit := kpiUnit(k, pts)
	cats := make([]string, len(pts))
	vals := make([]float64, len(pts))
	med := make([]float64, len(pts))
	hasMed := false
	var refs []string
	for i, p := range pts {
		cats[i], vals[i], med[i] = p.Period, p.Value, math.NaN()
		if b, ok := s.ev.benchAt(k.ID, a.Code, p.Period); ok && !math.IsNaN(b.PeerMedian) {
			med[i], hasMed = b.PeerMedian, true
		}
		refs = append(refs, splitRefs(p.Sources)...)
	}
	first, last := pts[0], pts[len(pts)-1]
	title := fmt.Sprintf("%s in %s was %s in %s", k.Title, a.Name, charts.FormatValue(last.Value, unit), last.Period)
	if len(pts) > 1 && first.Value != 0 {
		ch := last.Value/first.Value - 1
		verb, _ := changeWords(ch, k.Polarity)
		if ch == 0 {
			title = fmt.Sprintf("%s in %s was unchanged from %s to %s", k.Title, a.Name, first.Period, last.Period)
		} else {
			title = fmt.Sprintf("%s in %s %s %s from %s to %s", k.Title, a.Name, verb, pct(ch), first.Period, last.Period)
		}
	}
	series := []charts.Series{{Name: a.Name, Values: vals}}
	if hasMed {
		series = append(series, charts.Series{Name: "Peer median", Values: med, Dashed: true})
	}
	c := &charts.Chart{
		ID: "kpi-" + slug(k.ID) + "-" + strings.ToLower(a.Code) + "-trend", Title: title,
		Subtitle: k.Title + basisNote(s.ev.basis[k.ID][a.Code]), Kind: charts.Line, XLabel: "Period", YLabel: unit, Unit: unit,
		Categories: cats, Series: series, Citation: s.cite(uniq(refs), fbKPI),
	}
	if k.Caveats != "" {
		c.Notes = append(c.Notes, k.Caveats)
	}
	return c, nil
}

func basisNote(b string) string {
	switch b {
	case "current":
		return " (on current boundaries)"
	case "as_constituted":
		return " (as constituted at the time)"
	}
	return ""
}

func uniq(xs []string) []string {
	m := map[string]bool{}
	for _, x := range xs {
		m[x] = true
	}
	return sortedKeys(m)
}

// spendSection: net current expenditure (RO5 column C7) by service line, as published.
func (s *Site) spendSection(ctx context.Context, a Area, sec *section) error {
	if !s.ev.has(tSpend) {
		sec.Missing = append(sec.Missing, notLoaded(tSpend, "council revenue spend"))
		return nil
	}
	type row struct {
		form, fy, line, status, release string
		v                               float64
	}
	rows, err := byArea(ctx, s, "spend", tSpend, `SELECT area_code, coalesce(form, ''), financial_year, coalesce(service_line, ''),
			value_gbp::DOUBLE, coalesce(status, ''), coalesce(source_release, '')
		FROM core.spend
		WHERE measure = 'C7' AND value_gbp IS NOT NULL AND area_code IS NOT NULL
		QUALIFY row_number() OVER (PARTITION BY area_code, form, financial_year, service_line ORDER BY vintage DESC NULLS LAST, source_release DESC) = 1
		ORDER BY area_code, form, financial_year, service_line`,
		a.Code, func(r *sql.Rows) (string, row, error) {
			var code string
			var x row
			err := r.Scan(&code, &x.form, &x.fy, &x.line, &x.v, &x.status, &x.release)
			return code, x, err
		})
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		sec.Missing = append(sec.Missing, noRows(tSpend, a))
		return nil
	}
	sec.Intro = append(sec.Intro, "Net current expenditure (RO5 column C7) by service line, as the council returned it to MHCLG, in cash terms. Spend is shown as context, not as a league table: a higher or lower figure is neither good nor bad on its own.")
	forms := map[string][]row{}
	for _, r := range rows {
		forms[r.form] = append(forms[r.form], r)
	}
	for _, form := range sortedKeys(forms) {
		fr := forms[form]
		years := map[string]bool{}
		lines := map[string]map[string]float64{}
		var refs []string
		for _, r := range fr {
			years[r.fy] = true
			if lines[r.line] == nil {
				lines[r.line] = map[string]float64{}
			}
			lines[r.line][r.fy] = r.v
			if r.release != "" {
				refs = append(refs, r.release)
			}
		}
		ys := sortedKeys(years)
		latest := ys[len(ys)-1]
		cite := s.cite(uniq(refs), fbSpend)
		formLabel := form
		if formLabel == "" {
			formLabel = "revenue outturn"
		}
		// Table: the latest year, every line.
		t := &Table{ID: "spend-" + strings.ToLower(a.Code) + "-" + slug(formLabel), Caption: fmt.Sprintf("Net current expenditure by service line, %s, %s (%s)", a.Name, latest, formLabel),
			Columns:  []Column{{Name: "Service line"}, {Name: "Net current expenditure", Num: true, Unit: "£"}, {Name: "Status"}, {Name: "Release"}},
			Citation: cite.String()}
		for _, r := range fr {
			if r.fy == latest {
				t.Rows = append(t.Rows, []Cell{T(r.line), N(r.v), T(r.status), T(r.release)})
			}
		}
		tv, err := s.table(t, "../")
		if err != nil {
			return err
		}
		sec.Tables = append(sec.Tables, tv)
		// Chart: lines over time, totals left out (they would dwarf the lines they sum).
		var names []string
		for _, l := range sortedKeys(lines) {
			if !strings.HasPrefix(strings.ToUpper(l), "TOTAL") {
				names = append(names, l)
			}
		}
		if len(names) == 0 {
			continue
		}
		sort.SliceStable(names, func(i, j int) bool { return lines[names[i]][latest] > lines[names[j]][latest] })
		if len(names) > len(charts.Palette) {
			names = names[:len(charts.Palette)]
		}
		top := names[0]
		sort.Strings(names)
		var series []charts.Series
		for _, l := range names {
			v := make([]float64, len(ys))
			for i, y := range ys {
				x, ok := lines[l][y]
				if !ok {
					x = math.NaN()
				}
				v[i] = x
			}
			series = append(series, charts.Series{Name: l, Values: v})
		}
		title := fmt.Sprintf("%s: net current expenditure on %s was %s in %s", a.Name, top, charts.FormatValue(lines[top][latest], "£"), latest)
		if math.IsNaN(lines[top][latest]) || len(lines[top]) == 0 {
			title = fmt.Sprintf("%s: net current expenditure by service line", a.Name)
		}
		c := &charts.Chart{ID: "spend-" + strings.ToLower(a.Code) + "-" + slug(formLabel) + "-trend", Title: title,
			Subtitle: "Net current expenditure by service line, cash terms (" + formLabel + ")", Kind: charts.Line,
			XLabel: "Financial year", YLabel: "£", Unit: "£", Categories: ys, Series: series, Citation: cite}
		cv, err := s.chart(c, "../")
		if err != nil {
			return err
		}
		sec.Charts = append(sec.Charts, cv)
	}
	return nil
}

// usageSection: library activity by measure and period, and the number of library sites.
func (s *Site) usageSection(ctx context.Context, a Area, sec *section) error {
	if !s.ev.has(tLibActivity) {
		sec.Missing = append(sec.Missing, notLoaded(tLibActivity, "library activity"))
	} else if err := s.libraryActivity(ctx, a, sec); err != nil {
		return err
	}
	if !s.ev.has(tLibSites) {
		sec.Missing = append(sec.Missing, notLoaded(tLibSites, "library locations"))
		return nil
	}
	var n int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM core.library_sites WHERE area_code = ?`, a.Code).Scan(&n); err != nil {
		return fmt.Errorf("reading %s: %w", tLibSites, err)
	}
	sec.Sentences = append(sec.Sentences, fmt.Sprintf("The library locations data lists %d library sites in %s.", n, a.Name))
	return nil
}

func totalLike(s string) bool {
	s = strings.ToLower(strings.TrimSpace(s))
	return s == "" || strings.HasPrefix(s, "all") || strings.HasPrefix(s, "total")
}

func (s *Site) libraryActivity(ctx context.Context, a Area, sec *section) error {
	type key struct{ measure, period string }
	totals, sums := map[key]float64{}, map[key]float64{}
	hasTotal := map[key]bool{}
	measures := map[string]bool{}
	periods := map[string]bool{}
	type row struct {
		measure, format, ageBand string
		start, end               time.Time
		v                        float64
	}
	rows, err := byArea(ctx, s, "library activity", tLibActivity, `SELECT area_code, measure, period_start, period_end,
			coalesce(format, ''), coalesce(age_band, ''), value::DOUBLE
		FROM core.library_activity WHERE value IS NOT NULL AND area_code IS NOT NULL
		ORDER BY area_code, measure, period_start, period_end, format, age_band`,
		a.Code, func(r *sql.Rows) (string, row, error) {
			var code string
			var x row
			err := r.Scan(&code, &x.measure, &x.start, &x.end, &x.format, &x.ageBand, &x.v)
			return code, x, err
		})
	if err != nil {
		return err
	}
	for _, x := range rows {
		k := key{x.measure, periodLabel(x.start, x.end)}
		measures[x.measure], periods[k.period] = true, true
		sums[k] += x.v
		if totalLike(x.format) && totalLike(x.ageBand) {
			totals[k] += x.v
			hasTotal[k] = true
		}
	}
	if len(measures) == 0 {
		sec.Missing = append(sec.Missing, noRows(tLibActivity, a))
		return nil
	}
	cite := s.citeSources(fbLibraries, "librar")
	ps := sortedKeys(periods)
	value := func(k key) float64 {
		if hasTotal[k] {
			return totals[k]
		}
		if v, ok := sums[k]; ok {
			return v
		}
		return math.NaN()
	}
	t := &Table{ID: "library-" + strings.ToLower(a.Code), Caption: "Library activity in " + a.Name + " by measure and period",
		Columns: []Column{{Name: "Measure"}}, Citation: cite.String(),
		Notes: []string{"Where a period has no all-formats, all-ages row, the value is the sum of the published format and age-band rows."}}
	for _, p := range ps {
		t.Columns = append(t.Columns, Column{Name: p, Num: true})
	}
	ms := sortedKeys(measures)
	for i, m := range ms {
		row := []Cell{T(m)}
		vals := make([]float64, len(ps))
		first, last := -1, -1
		for j, p := range ps {
			vals[j] = value(key{m, p})
			row = append(row, N(vals[j]))
			if !math.IsNaN(vals[j]) {
				if first < 0 {
					first = j
				}
				last = j
			}
		}
		t.Rows = append(t.Rows, row)
		d := map[string]any{"Measure": m, "Area": a.Name, "V1": charts.FormatValue(vals[last], ""), "To": ps[last]}
		if first != last {
			d["From"], d["V0"] = ps[first], charts.FormatValue(vals[first], "")
			if vals[first] != 0 {
				d["Pct"] = spct(vals[last]/vals[first] - 1)
			}
		}
		sec.Sentences = append(sec.Sentences, say("library", d))
		if i >= 6 || len(ps) < 2 {
			continue
		}
		c := &charts.Chart{ID: "library-" + strings.ToLower(a.Code) + "-" + slug(m), Title: say("library", d),
			Subtitle: "Library activity: " + m, Kind: charts.Line, XLabel: "Period", YLabel: m, Unit: "count",
			Categories: ps, Series: []charts.Series{{Name: a.Name, Values: vals}}, Citation: cite}
		cv, err := s.chart(c, "../")
		if err != nil {
			return err
		}
		sec.Charts = append(sec.Charts, cv)
	}
	tv, err := s.table(t, "../")
	if err != nil {
		return err
	}
	sec.Tables = append(sec.Tables, tv)
	return nil
}

// engagementSection: Participation Survey estimates with confidence intervals, compared with
// England only where the intervals say the difference is significant.
func (s *Site) engagementSection(ctx context.Context, a Area, sec *section) error {
	if !s.ev.has(tEngagement) {
		sec.Missing = append(sec.Missing, notLoaded(tEngagement, "DCMS Participation Survey estimates"))
		return nil
	}
	type row struct {
		area, year, measure  string
		pct, lo, hi, n, base float64
	}
	read := func(area string) ([]row, error) {
		return byArea(ctx, s, "engagement", tEngagement, `SELECT area_code, CAST(survey_year AS VARCHAR), measure, percentage::DOUBLE,
				lower_ci::DOUBLE, upper_ci::DOUBLE, respondents::DOUBLE, base::DOUBLE
			FROM core.engagement WHERE percentage IS NOT NULL AND area_code IS NOT NULL ORDER BY area_code, survey_year, measure`,
			area, func(r *sql.Rows) (string, row, error) {
				var x row
				var lo, hi, n, b sql.NullFloat64
				err := r.Scan(&x.area, &x.year, &x.measure, &x.pct, &lo, &hi, &n, &b)
				x.lo, x.hi, x.n, x.base = nf(lo), nf(hi), nf(n), nf(b)
				return x.area, x, err
			})
	}
	mine, err := read(a.Code)
	if err != nil {
		return err
	}
	englandRows, err := read("E92000001")
	if err != nil {
		return err
	}
	england := map[[2]string]row{}
	for _, x := range englandRows {
		england[[2]string{x.year, x.measure}] = x
	}
	if len(mine) == 0 {
		sec.Missing = append(sec.Missing, noRows(tEngagement, a))
		return nil
	}
	cite := s.citeSources(fbEngagement, "particip", "engagement", "dcms")
	latest := mine[len(mine)-1].year
	t := &Table{ID: "engagement-" + strings.ToLower(a.Code), Caption: "Adult engagement in " + a.Name + ", Participation Survey estimates with 95% confidence intervals",
		Columns: []Column{{Name: "Survey year"}, {Name: "Measure"}, {Name: "Estimate", Num: true, Unit: "%"}, {Name: "Lower 95% CI", Num: true, Unit: "%"},
			{Name: "Upper 95% CI", Num: true, Unit: "%"}, {Name: "Respondents", Num: true}, {Name: "Base", Num: true}},
		Citation: cite.String()}
	var cats []string
	var vals []float64
	hl := map[int]bool{}
	for _, x := range mine {
		t.Rows = append(t.Rows, []Cell{T(x.year), T(x.measure), N(x.pct), N(x.lo), N(x.hi), N(x.n), N(x.base)})
		if x.year != latest {
			continue
		}
		d := map[string]any{"Year": x.year, "Pct": charts.FormatValue(x.pct, "%"), "Area": a.Name, "Measure": x.measure,
			"Lo": charts.FormatValue(x.lo, "%"), "Hi": charts.FormatValue(x.hi, "%")}
		if !math.IsNaN(x.n) {
			d["N"] = charts.FormatValue(x.n, "count")
		}
		if e, ok := england[[2]string{x.year, x.measure}]; ok && !math.IsNaN(x.lo) && !math.IsNaN(x.hi) {
			d["England"] = charts.FormatValue(e.pct, "%")
			d["Diff"] = significance(x.lo, x.hi, e.pct, e.lo, e.hi)
		}
		sec.Sentences = append(sec.Sentences, say("engagement", d))
		hl[len(cats)] = true
		cats = append(cats, x.measure)
		vals = append(vals, x.pct)
	}
	tv, err := s.table(t, "../")
	if err != nil {
		return err
	}
	sec.Tables = append(sec.Tables, tv)
	hi := 0
	for i := range vals {
		if vals[i] > vals[hi] {
			hi = i
		}
	}
	c := &charts.Chart{ID: "engagement-" + strings.ToLower(a.Code) + "-" + slug(latest),
		Title:    fmt.Sprintf("%s: %s of respondents, %s, %s", a.Name, charts.FormatValue(vals[hi], "%"), cats[hi], latest),
		Subtitle: "Participation Survey estimates, " + latest + " (confidence intervals in the table)", Kind: charts.Bars,
		XLabel: "Measure", YLabel: "% of respondents", Unit: "%", Categories: cats,
		Series: []charts.Series{{Name: a.Name, Values: vals, Highlight: hl}}, Citation: cite}
	cv, err := s.chart(c, "../")
	if err != nil {
		return err
	}
	sec.Charts = append(sec.Charts, cv)
	return nil
}

// significance compares an estimate's interval with England's: different only when they do not
// overlap (England's point estimate when it has no interval).
func significance(lo, hi, epct, elo, ehi float64) string {
	if math.IsNaN(elo) || math.IsNaN(ehi) {
		elo, ehi = epct, epct
	}
	switch {
	case lo > ehi:
		return "significantly higher than England (the confidence intervals do not overlap)"
	case hi < elo:
		return "significantly lower than England (the confidence intervals do not overlap)"
	}
	return "not significantly different from England (the confidence intervals overlap)"
}
