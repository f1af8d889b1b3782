package mhclg

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/govuk"
)

// Release page kinds in the revenue collection, told from the page slug.
const (
	pageOutturn    = "outturn"     // per-authority outturn (RO forms), first releases and revisions
	pageBudget     = "budget"      // per-authority budget (RA)
	pageTimeSeries = "time-series" // the multi-year data set
)

// revenuePage is one release page of the revenue collection.
type revenuePage struct {
	Doc   govuk.Document
	Kind  string
	Year  string // financial year "2024-25" ("" for the time series)
	Stage string // outturn, first-release, final-outturn, provisional-outturn, budget, …
}

var (
	slugYearRe   = regexp.MustCompile(`(20\d{2})-to-(20\d{2})`)
	timeSeriesRe = regexp.MustCompile(`revenue-outturn-multi-year-data-set$`)
	// stageRe names the release stage at the end of a slug (after the year).
	stageRe = regexp.MustCompile(`(first-release|second-release|third-release|final-outturn-revised|final-outturn|provisional-outturn|individual-local-authority-data-outturn|budget-individual-local-authority-data|individual-local-authority-data(?:--\d+)?|budget(?:-england)?)$`)
)

// classifyPage tells what a page of the revenue collection holds from its slug. Slugs are not
// regular ("…-2010-to-2011-individual-local-authority-data--5", "…-2023-to-2024-first-release",
// "…-2023-24-budget-england"), so the year is read by FinancialYear and the stage by the slug's
// ending; ok is false for pages that hold neither outturn nor budget data.
func classifyPage(d govuk.Document) (revenuePage, bool) {
	p := revenuePage{Doc: d}
	slug := d.BasePath[strings.LastIndex(d.BasePath, "/")+1:]
	if timeSeriesRe.MatchString(slug) {
		p.Kind, p.Stage = pageTimeSeries, "multi-year"
		return p, true
	}
	p.Year = FinancialYear(slug)
	if p.Year == "" {
		if m := slugYearRe.FindStringSubmatch(slug); m != nil {
			p.Year = FinancialYear(m[1] + "-" + m[2])
		}
	}
	m := stageRe.FindStringSubmatch(slug)
	if p.Year == "" || m == nil {
		return p, false
	}
	stage := m[1]
	switch {
	case strings.Contains(stage, "budget"):
		p.Kind, p.Stage = pageBudget, "budget"
		if strings.Contains(stage, "individual") {
			p.Stage = "budget-la"
		}
	default:
		p.Kind, p.Stage = pageOutturn, stage
		switch {
		case stage == "individual-local-authority-data-outturn":
			p.Stage = "outturn"
		case strings.HasPrefix(stage, "individual-local-authority-data"):
			p.Stage = "la-data" + strings.TrimPrefix(stage, "individual-local-authority-data")
		}
	}
	return p, true
}

// revenuePages reads the revenue collection and returns its outturn, budget and time-series pages,
// sorted by year then base path. A collection listing none of kind is an error naming the
// collection.
func revenuePages(ctx context.Context, env *sources.Env, kind string) ([]revenuePage, error) {
	col, err := govuk.Get(ctx, env.Fetch, RevenueCollection)
	if err != nil {
		return nil, err
	}
	var out []revenuePage
	for _, d := range col.Links.Documents {
		if p, ok := classifyPage(d); ok && p.Kind == kind {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%w: no %s page in %s (%d documents listed)", sources.ErrNothingPublished, kind, govuk.PageURL(RevenueCollection), len(col.Links.Documents))
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Year != out[j].Year {
			return out[i].Year < out[j].Year
		}
		return out[i].Doc.BasePath < out[j].Doc.BasePath
	})
	return out, nil
}

// findAttachment returns the first attachment whose file name matches one of names, or whose title
// contains one of titles; ok is false when none does.
func findAttachment(p *govuk.Page, names []*regexp.Regexp, titles []string) (govuk.Attachment, bool) {
	for _, a := range p.Details.Attachments {
		for _, re := range names {
			if re.MatchString(a.Name()) {
				return a, true
			}
		}
	}
	for _, a := range p.Details.Attachments {
		for _, t := range titles {
			if strings.Contains(a.Title, t) {
				return a, true
			}
		}
	}
	return govuk.Attachment{}, false
}

func attachmentNames(p *govuk.Page) string {
	var names []string
	for _, a := range p.Details.Attachments {
		names = append(names, a.Name())
	}
	return strings.Join(names, ", ")
}
