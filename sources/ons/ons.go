// Package ons holds the Office for National Statistics sources: mid-year population estimates
// (ons-population).
package ons

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
)

func init() { sources.Register(Population{}) }

// Population is the ons-population source: the MYE2 - Persons sheet of the newest mid-year
// estimates workbook (mye<yy>tablesew.xlsx, on the latest local authority boundaries) and the MYEB1
// sheet of the mid-2011-to-latest detailed time series (myebtablesenglandwales2011<yyyy>.xlsx).
// Either sheet saved as CSV is accepted with --from.
type Population struct{}

// Homepage is the ONS dataset landing page both workbooks are published under.
const Homepage = "https://www.ons.gov.uk/peoplepopulationandcommunity/populationandmigration/populationestimates/datasets/estimatesofthepopulationforenglandandwales"

// Datasets.
const (
	DatasetMYE2  = "mye2-persons"
	DatasetMYEB1 = "myeb1"
)

// Table is raw.ons_population: one row per area, year, sex and age.
var Table = warehouse.Table{Schema: "raw", Name: "ons_population", Doc: "ONS mid-year population estimates, long form", Columns: []warehouse.Column{
	{Name: "area_code", Type: "VARCHAR", Doc: "GSS code as published"},
	{Name: "area_name", Type: "VARCHAR"},
	{Name: "geography", Type: "VARCHAR", Doc: "ONS geography type (Unitary Authority, County, …); NULL in MYEB1"},
	{Name: "year", Type: "INTEGER", Doc: "mid-year (30 June) of the estimate"},
	{Name: "sex", Type: "VARCHAR", Doc: "persons, female or male"},
	{Name: "age", Type: "VARCHAR", Doc: "'all' or single year of age '0'…'89', '90+'"},
	{Name: "population", Type: "BIGINT"},
	{Name: "boundaries", Type: "VARCHAR", Doc: "boundary vintage of the codes, e.g. LAD2023, when stated"},
}}

// Info describes the source.
func (Population) Info() sources.Info {
	return sources.Info{
		ID:         "ons-population",
		Title:      "Mid-year population estimates, England and Wales",
		Publisher:  "Office for National Statistics",
		Licence:    "Open Government Licence v3.0",
		LicenceURL: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
		Homepage:   Homepage,
		Tables:     []warehouse.Table{Table},
		Cadence: sources.Cadence{Every: "annual", Months: []time.Month{time.July}, Grace: 120 * 24 * time.Hour,
			Note: "mid-year estimates are published each summer (late June to October) for the previous June"},
		Schedule:    "0 6 * * 1",
		TypicalLoad: 20 * time.Second,
	}
}

// landing is the JSON the ONS website serves for a page with /data appended.
type landingPage struct {
	Datasets []struct {
		URI string `json:"uri"`
	} `json:"datasets"`
	Description struct {
		Title string `json:"title"`
	} `json:"description"`
}

type datasetPage struct {
	URI         string `json:"uri"`
	Description struct {
		Title       string `json:"title"`
		Edition     string `json:"edition"`
		ReleaseDate string `json:"releaseDate"`
	} `json:"description"`
	Downloads []struct {
		File string `json:"file"`
	} `json:"downloads"`
}

var (
	editionMYE2Re  = regexp.MustCompile(`/mid(\d{4})(\d{4})localauthorityboundaries$`)
	editionMYEB1Re = regexp.MustCompile(`/mid2011tomid(\d{4})detailedtimeseries$`)
)

// Discover reads the dataset landing page's JSON (page path + "/data"), picks the newest edition of
// each workbook by the year in its URI, and reads that edition's JSON for the file name. Files are
// served at https://www.ons.gov.uk/file?uri=<edition uri>/<file>.
func (p Population) Discover(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	var lp landingPage
	if err := env.Fetch.GetJSON(ctx, Homepage+"/data", &lp); err != nil {
		return nil, err
	}
	type cand struct {
		uri     string
		year    int
		dataset string
	}
	// Every MYE2 edition is kept (each vintage on its own boundaries); of the time series only the
	// newest, since each one restates all earlier years.
	var cands []cand
	var newestB1 cand
	for _, d := range lp.Datasets {
		uri := strings.TrimRight(d.URI, "/")
		if m := editionMYE2Re.FindStringSubmatch(uri); m != nil {
			y, _ := strconv.Atoi(m[1])
			cands = append(cands, cand{uri, y, DatasetMYE2})
		} else if m := editionMYEB1Re.FindStringSubmatch(uri); m != nil {
			y, _ := strconv.Atoi(m[1])
			if y > newestB1.year {
				newestB1 = cand{uri, y, DatasetMYEB1}
			}
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].year < cands[j].year })
	if newestB1.uri != "" {
		cands = append(cands, newestB1)
	}
	if len(cands) == 0 {
		return nil, fmt.Errorf("%w: no edition on %s matches %s or %s", sources.ErrNothingPublished, Homepage, editionMYE2Re, editionMYEB1Re)
	}
	var out []sources.Release
	for _, c := range cands {
		ds := c.dataset
		var dp datasetPage
		if err := env.Fetch.GetJSON(ctx, "https://www.ons.gov.uk"+c.uri+"/data", &dp); err != nil {
			return nil, err
		}
		var file string
		for _, d := range dp.Downloads {
			if strings.HasSuffix(strings.ToLower(d.File), ".xlsx") {
				file = d.File
				break
			}
		}
		if file == "" {
			return nil, fmt.Errorf("%w: edition %s lists no .xlsx download", sources.ErrNothingPublished, c.uri)
		}
		rel := sources.Release{
			Dataset: ds,
			Title:   strings.TrimSpace(dp.Description.Title + ": " + dp.Description.Edition),
			PageURL: "https://www.ons.gov.uk" + c.uri,
			Assets:  []sources.Asset{{URL: "https://www.ons.gov.uk/file?uri=" + c.uri + "/" + file, Name: file, Kind: fetch.KindXLSX}},
		}
		if ds == DatasetMYE2 {
			rel.Vintage = fmt.Sprintf("mid-%d", c.year)
		} else {
			rel.Vintage = fmt.Sprintf("mid-2011-to-mid-%d", c.year)
		}
		if t, err := time.Parse(time.RFC3339, dp.Description.ReleaseDate); err == nil {
			rel.Published = t
		}
		out = append(out, rel)
	}
	return out, nil
}
