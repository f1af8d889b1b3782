package site

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"github.com/cornerstone-data/cornerstone/reports/charts"
)

// Funding: external awards (core.funding_awards) by funder and programme, located on current
// boundaries where the data has them, and councils' own local investment returns
// (core.investment_returns) by source type.

const hqCaveat = "Awards are placed where the data locates them (the location basis column says how). Grants located by a recipient's registered address overstate places where national organisations have their head office."

type amountRow struct {
	Key, Key2      string
	N              int
	Amount, Annual float64
}

// awardsBy sums awards by the given grouping columns, for one area ("" for all).
func (s *Site) awardsBy(ctx context.Context, area string, cols ...string) ([]amountRow, error) {
	if area != "" {
		return s.areaAwardsBy(ctx, area, cols...)
	}
	k1, k2 := groupKeys(cols)
	q := fmt.Sprintf(`SELECT %s AS k1, %s AS k2, count(*)::INTEGER, sum(amount_gbp)::DOUBLE, sum(annual_amount_gbp)::DOUBLE
		FROM core.funding_awards WHERE amount_gbp IS NOT NULL GROUP BY ALL ORDER BY 4 DESC, 1, 2`, k1, k2)
	var out []amountRow
	err := scanAll(ctx, s.db, tAwards, q, func(r *sql.Rows) error {
		var x amountRow
		var ann sql.NullFloat64
		if err := r.Scan(&x.Key, &x.Key2, &x.N, &x.Amount, &ann); err != nil {
			return err
		}
		x.Annual = nf(ann)
		out = append(out, x)
		return nil
	})
	return out, err
}

// returnsBy sums local investment returns by source type, for one area ("" for all).
func (s *Site) returnsBy(ctx context.Context, area string) ([]amountRow, error) {
	scan := func(r *sql.Rows) (string, amountRow, error) {
		var code string
		var x amountRow
		err := r.Scan(&code, &x.Key, &x.N, &x.Amount)
		x.Annual = math.NaN()
		return code, x, err
	}
	if area != "" {
		return byArea(ctx, s, "returns", tReturns, `SELECT area_code, coalesce(source_type, 'not stated'), count(*)::INTEGER, sum(amount_gbp)::DOUBLE
			FROM core.investment_returns WHERE amount_gbp IS NOT NULL AND area_code IS NOT NULL GROUP BY ALL ORDER BY 1, 4 DESC, 2`, area, scan)
	}
	var out []amountRow
	err := scanAll(ctx, s.db, tReturns, `SELECT '', coalesce(source_type, 'not stated'), count(*)::INTEGER, sum(amount_gbp)::DOUBLE
		FROM core.investment_returns WHERE amount_gbp IS NOT NULL GROUP BY ALL ORDER BY 4 DESC, 2`, func(r *sql.Rows) error {
		_, x, err := scan(r)
		out = append(out, x)
		return err
	})
	return out, err
}

func (s *Site) awardsCite(ctx context.Context, area string) (charts.Citation, error) {
	var pairs [][2]string
	var err error
	if area != "" {
		pairs, err = s.areaAwardRefs(ctx, area)
	} else {
		err = scanAll(ctx, s.db, tAwards, `SELECT DISTINCT coalesce(source, ''), coalesce(release, '') FROM core.funding_awards ORDER BY 1, 2`,
			func(r *sql.Rows) error {
				var p [2]string
				if err := r.Scan(&p[0], &p[1]); err != nil {
					return err
				}
				pairs = append(pairs, p)
				return nil
			})
	}
	var refs []string
	for _, p := range pairs {
		src, rel := p[0], p[1]
		switch {
		case rel != "" && len(s.releasesOf(src)) > 0:
			refs = append(refs, src+":"+rel)
		case rel != "":
			refs = append(refs, rel)
		case src != "":
			refs = append(refs, src)
		}
	}
	return s.cite(uniq(refs), fbFunding), err
}

// breakdown draws amounts by key as a breakdown chart.
func breakdown(id, title, subtitle, xlabel string, rows []amountRow, cite charts.Citation) *charts.Chart {
	const maxBars = 12
	var cats []string
	var vals []float64
	other := 0.0
	for i, r := range rows {
		if i >= maxBars {
			other += r.Amount
			continue
		}
		label := r.Key
		if r.Key2 != "" {
			label += ": " + r.Key2
		}
		cats, vals = append(cats, label), append(vals, r.Amount)
	}
	if other != 0 {
		cats, vals = append(cats, "All others"), append(vals, other)
	}
	return &charts.Chart{ID: id, Title: title, Subtitle: subtitle, Kind: charts.Breakdown, XLabel: xlabel, YLabel: "£", Unit: "£",
		Categories: cats, Series: []charts.Series{{Name: "Amount", Values: vals}}, Citation: cite}
}

func total(rows []amountRow) float64 {
	t := 0.0
	for _, r := range rows {
		t += r.Amount
	}
	return t
}

func amountTable(id, caption, k1, k2 string, rows []amountRow, cite charts.Citation, withAnnual bool) *Table {
	t := &Table{ID: id, Caption: caption, Citation: cite.String(), Columns: []Column{{Name: k1}}}
	if k2 != "" {
		t.Columns = append(t.Columns, Column{Name: k2})
	}
	t.Columns = append(t.Columns, Column{Name: "Records", Num: true}, Column{Name: "Amount", Num: true, Unit: "£"})
	if withAnnual {
		t.Columns = append(t.Columns, Column{Name: "Annualised amount", Num: true, Unit: "£"})
	}
	for _, r := range rows {
		row := []Cell{T(r.Key)}
		if k2 != "" {
			row = append(row, T(r.Key2))
		}
		row = append(row, N(float64(r.N)), N(r.Amount))
		if withAnnual {
			row = append(row, N(r.Annual))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// fundingSection is the funding part of a council's pack.
func (s *Site) fundingSection(ctx context.Context, a Area, sec *section) error {
	code := strings.ToLower(a.Code)
	if !s.ev.has(tAwards) {
		sec.Missing = append(sec.Missing, notLoaded(tAwards, "external funding awards"))
	} else {
		byFunder, err := s.awardsBy(ctx, a.Code, "funder")
		if err != nil {
			return err
		}
		if len(byFunder) == 0 {
			sec.Missing = append(sec.Missing, noRows(tAwards, a))
		} else {
			cite, err := s.awardsCite(ctx, a.Code)
			if err != nil {
				return err
			}
			from, to, err := s.areaAwardSpan(ctx, a.Code)
			if err != nil {
				return err
			}
			tot, n := total(byFunder), 0
			for _, r := range byFunder {
				n += r.N
			}
			top := byFunder[0]
			share := math.NaN()
			if tot != 0 {
				share = top.Amount / tot
			}
			sec.Sentences = append(sec.Sentences, say("funding", map[string]any{"Total": charts.FormatValue(tot, "£"), "N": n, "Area": a.Name,
				"From": from, "To": to, "Top": top.Key, "TopAmount": charts.FormatValue(top.Amount, "£"), "TopShare": pct(share)}))
			title := fmt.Sprintf("%s provided %s of the %s of recorded awards to %s", top.Key, pct(share), charts.FormatValue(tot, "£"), a.Name)
			c := breakdown("funding-"+code+"-funders", title, "External awards by funder, total amount awarded", "Funder", byFunder, cite)
			c.Notes = []string{hqCaveat}
			cv, err := s.chart(c, "../")
			if err != nil {
				return err
			}
			sec.Charts = append(sec.Charts, cv)
			byProg, err := s.awardsBy(ctx, a.Code, "funder", "programme")
			if err != nil {
				return err
			}
			t := amountTable("funding-"+code+"-programmes", "External awards to "+a.Name+" by funder and programme", "Funder", "Programme", byProg, cite, true)
			t.Notes = []string{hqCaveat}
			basis, err := s.awardsBy(ctx, a.Code, "location_basis")
			if err != nil {
				return err
			}
			for _, b := range basis {
				t.Notes = append(t.Notes, fmt.Sprintf("%d awards (%s) located by %s.", b.N, charts.FormatValue(b.Amount, "£"), b.Key))
			}
			tv, err := s.table(t, "../")
			if err != nil {
				return err
			}
			sec.Tables = append(sec.Tables, tv)
		}
	}
	if !s.ev.has(tReturns) {
		sec.Missing = append(sec.Missing, notLoaded(tReturns, "local investment returns"))
		return nil
	}
	rets, err := s.returnsBy(ctx, a.Code)
	if err != nil {
		return err
	}
	if len(rets) == 0 {
		sec.Missing = append(sec.Missing, noRows(tReturns, a))
		return nil
	}
	cite := s.citeSources(fbReturns, "local")
	tot := total(rets)
	sec.Sentences = append(sec.Sentences, say("returns", map[string]any{"Area": a.Name, "Total": charts.FormatValue(tot, "£"), "N": len(rets),
		"Top": rets[0].Key, "TopAmount": charts.FormatValue(rets[0].Amount, "£")}))
	c := breakdown("returns-"+code+"-source-types", fmt.Sprintf("%s was the largest source of local investment in %s (%s)", rets[0].Key, a.Name, charts.FormatValue(rets[0].Amount, "£")),
		"Local investment returns by source type, all periods held", "Source type", rets, cite)
	cv, err := s.chart(c, "../")
	if err != nil {
		return err
	}
	sec.Charts = append(sec.Charts, cv)
	tv, err := s.table(amountTable("returns-"+code+"-source-types", "Local investment returns of "+a.Name+" by source type", "Source type", "", rets, cite, false), "../")
	if err != nil {
		return err
	}
	sec.Tables = append(sec.Tables, tv)
	return nil
}

// fundingPage writes funding.html: every award by funder and by programme, local investment
// returns by source type, and totals by council.
func (s *Site) fundingPage(ctx context.Context) error {
	var secs []section
	funders := section{ID: "funders", Heading: "By funder"}
	progs := section{ID: "programmes", Heading: "By programme"}
	councils := section{ID: "councils", Heading: "By council"}
	if !s.ev.has(tAwards) {
		msg := notLoaded(tAwards, "external funding awards")
		funders.Missing, progs.Missing, councils.Missing = []string{msg}, []string{msg}, []string{msg}
	} else {
		cite, err := s.awardsCite(ctx, "")
		if err != nil {
			return err
		}
		byFunder, err := s.awardsBy(ctx, "", "funder")
		if err != nil {
			return err
		}
		tot := total(byFunder)
		share := math.NaN()
		if tot != 0 && len(byFunder) > 0 {
			share = byFunder[0].Amount / tot
		}
		c := breakdown("funding-all-funders", fmt.Sprintf("%s provided %s of the %s of recorded awards", byFunder[0].Key, pct(share), charts.FormatValue(tot, "£")),
			"External awards by funder, total amount awarded", "Funder", byFunder, cite)
		c.Notes = []string{hqCaveat}
		cv, err := s.chart(c, "")
		if err != nil {
			return err
		}
		funders.Charts = append(funders.Charts, cv)
		tv, err := s.table(amountTable("funding-all-funders", "External awards by funder", "Funder", "", byFunder, cite, true), "")
		if err != nil {
			return err
		}
		funders.Tables = append(funders.Tables, tv)

		byProg, err := s.awardsBy(ctx, "", "funder", "programme")
		if err != nil {
			return err
		}
		c = breakdown("funding-all-programmes", fmt.Sprintf("%s: %s was the largest programme (%s)", byProg[0].Key, byProg[0].Key2, charts.FormatValue(byProg[0].Amount, "£")),
			"External awards by funder and programme, total amount awarded", "Programme", byProg, cite)
		if cv, err = s.chart(c, ""); err != nil {
			return err
		}
		progs.Charts = append(progs.Charts, cv)
		if tv, err = s.table(amountTable("funding-all-programmes", "External awards by funder and programme", "Funder", "Programme", byProg, cite, true), ""); err != nil {
			return err
		}
		progs.Tables = append(progs.Tables, tv)

		byCouncil, err := s.awardsBy(ctx, "", "coalesce(current_area_code, area_code)")
		if err != nil {
			return err
		}
		t := amountTable("funding-all-councils", "External awards by council (current boundaries where located)", "Council", "", byCouncil, cite, true)
		t.Notes = []string{hqCaveat}
		for i, r := range byCouncil {
			// Only councils with a page are linked (awards are also placed in Welsh councils).
			if name, ok := s.areaNames[r.Key]; ok && s.pageSet[r.Key] {
				t.Rows[i][0] = L(name+" ("+r.Key+")", "areas/"+r.Key+".html")
			} else if ok {
				t.Rows[i][0] = T(name + " (" + r.Key + ")")
			}
		}
		if tv, err = s.table(t, ""); err != nil {
			return err
		}
		councils.Tables = append(councils.Tables, tv)
	}
	secs = append(secs, funders, progs)
	returns := section{ID: "returns", Heading: "Local investment returns by source type"}
	if !s.ev.has(tReturns) {
		returns.Missing = []string{notLoaded(tReturns, "local investment returns")}
	} else {
		rets, err := s.returnsBy(ctx, "")
		if err != nil {
			return err
		}
		cite := s.citeSources(fbReturns, "local")
		c := breakdown("returns-all-source-types", fmt.Sprintf("%s was the largest source type of local investment (%s)", rets[0].Key, charts.FormatValue(rets[0].Amount, "£")),
			"Local investment returns by source type, all councils and periods held", "Source type", rets, cite)
		cv, err := s.chart(c, "")
		if err != nil {
			return err
		}
		returns.Charts = append(returns.Charts, cv)
		tv, err := s.table(amountTable("returns-all-source-types", "Local investment returns by source type", "Source type", "", rets, cite, false), "")
		if err != nil {
			return err
		}
		returns.Tables = append(returns.Tables, tv)
	}
	secs = append(secs, returns, councils)
	return s.write("funding.html", page{Title: "Funding breakdown", Template: "sections", Sections: secs,
		Intro: []string{"External investment in culture recorded by funders (awards by funder and programme) and councils' own returns of local investment (by source type). " + hqCaveat}})
}
