// Package threesixtygiving holds the threesixtygiving source: grants published to the 360Giving
// Data Standard by the funders Cornerstone follows (Arts Council England, the National Lottery
// Heritage Fund, and any configured), discovered through the 360Giving data registry and read in
// whichever format each dataset is published in (CSV, XLSX or JSON), streaming, so a 1 GB file
// loads in bounded memory.
package threesixtygiving

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
	"github.com/cornerstone-data/cornerstone/sources/funding"
)

func init() { sources.Register(Source{}) }

// ID is the source id.
const ID = "threesixtygiving"

// RegistryURL is the 360Giving data registry: every published dataset with its publisher and
// download URL.
const RegistryURL = "https://registry.threesixtygiving.org/data.json"

// Homepage is 360Giving's data page.
const Homepage = "https://www.threesixtygiving.org/data/"

// Funder org-ids followed by default.
const (
	ArtsCouncilEngland          = "GB-CHC-1036733"
	NationalLotteryHeritageFund = "GB-GOR-PC390"
)

// DefaultFunders are the publishers whose datasets are loaded unless the config adds others (the
// source's setting "funders", a list of org-ids, adds to these).
var DefaultFunders = []string{ArtsCouncilEngland, NationalLotteryHeritageFund}

// Source is the threesixtygiving source.
type Source struct{}

// RegistryEntry is one dataset in the registry's data.json.
type RegistryEntry struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Identifier  string `json:"identifier"`
	License     string `json:"license"`
	LicenseName string `json:"license_name"`
	Issued      string `json:"issued"`
	Modified    string `json:"modified"`
	Publisher   struct {
		Name          string `json:"name"`
		Website       string `json:"website"`
		Prefix        string `json:"prefix"`
		OrgID         string `json:"org_id"`
		LastPublished string `json:"last_published"`
	} `json:"publisher"`
	Distribution []struct {
		DownloadURL string `json:"downloadURL"`
		AccessURL   string `json:"accessURL"`
		Title       string `json:"title"`
	} `json:"distribution"`
}

// Info describes the source.
func (Source) Info() sources.Info {
	return sources.Info{
		ID:        ID,
		Title:     "360Giving grants (Arts Council England, National Lottery Heritage Fund and configured funders)",
		Publisher: "360Giving (data published by each funder)",
		Licence:   "per dataset, as stated in the 360Giving registry (Open Government Licence v3.0 or CC BY 4.0)",
		Homepage:  Homepage,
		Tables:    []warehouse.Table{funding.GrantsTable},
		Cadence: sources.Cadence{Every: "monthly", Grace: 90 * 24 * time.Hour,
			Note: "funders republish their files at their own pace; the registry is checked daily"},
		Schedule:    "0 7 * * *",
		TypicalLoad: 60 * time.Second,
	}
}

// Funders returns the org-ids to load: the defaults plus the configured "funders" setting.
func Funders(env *sources.Env) []string {
	out := append([]string{}, DefaultFunders...)
	seen := map[string]bool{}
	for _, f := range out {
		seen[f] = true
	}
	if env != nil && env.Settings != nil {
		var extra []string
		switch v := env.Settings[ID]["funders"].(type) {
		case []string:
			extra = v
		case []any:
			for _, x := range v {
				if s, ok := x.(string); ok {
					extra = append(extra, s)
				}
			}
		case string:
			extra = strings.Split(v, ",")
		}
		for _, f := range extra {
			if f = strings.TrimSpace(f); f != "" && !seen[f] {
				seen[f] = true
				out = append(out, f)
			}
		}
	}
	return out
}

// Discover reads the registry and returns one release per dataset whose publisher org_id is a
// followed funder: dataset "<org_id>/<identifier>", vintage the registry's modified time, the
// first distribution's downloadURL as the asset (its format is told from its content).
func (Source) Discover(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	if err := funding.Prepare(ctx, env.DB); err != nil {
		return nil, err
	}
	var entries []RegistryEntry
	if err := env.Fetch.GetJSON(ctx, RegistryURL, &entries); err != nil {
		return nil, err
	}
	funders := Funders(env)
	want := map[string]bool{}
	for _, f := range funders {
		want[f] = true
	}
	var out []sources.Release
	for _, e := range entries {
		if !want[e.Publisher.OrgID] || len(e.Distribution) == 0 || e.Distribution[0].DownloadURL == "" || e.Identifier == "" {
			continue
		}
		d := e.Distribution[0]
		published, _ := parseModified(e.Modified)
		title := e.Title
		if e.LicenseName != "" {
			title += " (licence: " + e.LicenseName + ")"
		}
		page := d.AccessURL
		if page == "" {
			page = e.Publisher.Website
		}
		out = append(out, sources.Release{
			Dataset: e.Publisher.OrgID + "/" + e.Identifier, Vintage: e.Modified, Title: title, Published: published,
			PageURL: page, Publisher: e.Publisher.Name,
			Assets: []sources.Asset{{URL: d.DownloadURL, Name: assetName(d.DownloadURL, e.Identifier), Kind: fetch.KindAny}},
		})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("reading %s: no dataset published by %s: %w", RegistryURL, strings.Join(funders, ", "), sources.ErrNothingPublished)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Published.Before(out[j].Published) })
	return out, nil
}

// parseModified reads the registry's timestamps ("2024-05-01T13:03:22+0000", RFC 3339, or a date).
func parseModified(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05-0700", "2006-01-02T15:04:05", time.DateOnly} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// assetName is the download's file name, or the dataset identifier when the URL has no file name
// with an extension (exports served from ".../download").
func assetName(raw, identifier string) string {
	if u, err := url.Parse(raw); err == nil {
		if b := path.Base(u.Path); path.Ext(b) != "" && fetch.KindFromName(b) != fetch.KindAny {
			return b
		}
	}
	return identifier
}

var fileDateRe = regexp.MustCompile(`\d{4}-\d{2}-\d{2}`)

// Identify names a --from file: dataset "file/<name>", vintage a YYYY-MM-DD date in the file name.
func (Source) Identify(ctx context.Context, rel *sources.Release, files []sources.Fetched) error {
	name := files[0].Name
	if rel.Dataset == "" {
		rel.Dataset = "file/" + strings.TrimSuffix(name, path.Ext(name))
	}
	if rel.Title == "" {
		rel.Title = "360Giving grants: " + name
	}
	if rel.Vintage == "" {
		rel.Vintage = fileDateRe.FindString(name)
	}
	if rel.Vintage == "" {
		return fmt.Errorf("%s: the file name has no YYYY-MM-DD date: %w", name, sources.ErrNoVintage)
	}
	return nil
}

// Load streams the dataset's grants into raw.threesixtygiving_grants.
func (Source) Load(ctx context.Context, ld *sources.Loader) error {
	f, err := ld.File("")
	if err != nil {
		return err
	}
	if err := funding.EnsureSiblings(ctx, ld); err != nil {
		return err
	}
	w, err := ld.BulkWriter(ctx, funding.GrantsTable.Name)
	if err != nil {
		return err
	}
	publisher := ""
	if org, _, ok := strings.Cut(ld.Release.Dataset, "/"); ok && org != "file" {
		publisher = org
	}
	return ReadFile(ctx, f.Path, f.Filename, func(sheet string, row int, g *Grant) error {
		r := row360{w}
		w.String(strings.TrimSpace(g.ID))
		r.text(g.Title, g.Description, g.Currency)
		r.num(g.AmountAwarded, g.AmountAppliedFor, g.AmountDisbursed)
		r.date(g.AwardDate, g.PlannedStart, g.PlannedEnd)
		r.num(g.PlannedMonths)
		r.text(g.RecipientOrgID, g.RecipientOrgName, g.RecipientOrgCharity, g.RecipientOrgCompany,
			g.RecipientOrgCity, g.RecipientOrgPostalCode,
			g.RecipientOrgLocation.Code, g.RecipientOrgLocation.Type, g.RecipientOrgLocation.Name,
			g.RecipientIndID, g.RecipientIndName,
			g.Beneficiary.Code, g.Beneficiary.Type, g.Beneficiary.Name, g.Beneficiary.Country)
		if g.BeneficiaryCount > 0 {
			w.Int64(int64(g.BeneficiaryCount))
		} else {
			w.Null()
		}
		r.text(g.FundingOrgID, g.FundingOrgName, g.ProgrammeCode, g.ProgrammeTitle,
			g.LocationScope, g.FromOpenCall, g.DataSource, g.LastModified, publisher)
		return w.EndRow(f.Filename, sheet, row)
	})
}

// row360 writes a grant's values with the writer's typed methods, in the table's column order.
type row360 struct{ w *sources.Writer }

// text writes each value trimmed, or NULL for "", so every format gives the same row.
func (r row360) text(vs ...string) {
	for _, v := range vs {
		if v = strings.TrimSpace(v); v == "" {
			r.w.Null()
		} else {
			r.w.String(v)
		}
	}
}

// num writes each amount, or NULL when absent.
func (r row360) num(vs ...*float64) {
	for _, v := range vs {
		if v == nil {
			r.w.Null()
		} else {
			r.w.Float64(*v)
		}
	}
}

// date writes each date, or NULL when absent.
func (r row360) date(vs ...*time.Time) {
	for _, v := range vs {
		if v == nil {
			r.w.Null()
		} else {
			r.w.Time(*v)
		}
	}
}
