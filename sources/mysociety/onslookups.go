package mysociety

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
)

// ONS Open Geography Portal: feature services of the ONS organisation on ArcGIS Online. Services are
// renamed every year (LAD23_LAD24_…, _v2 revisions), so they are found in the directory, never
// hard-coded.
const (
	ArcGISServices = "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services"
	// LookupDataset prefixes each lookup's dataset: "ons-lad-lookup-24_25" (one series per pair
	// of years, so a revised lookup replaces its predecessor and is compared only with it).
	LookupDataset   = "ons-lad-lookup"
	ONSGeographyURL = "https://geoportal.statistics.gov.uk"
)

// LookupTable is raw.ons_lad_lookups: ONS's best-fit lookups from one year's district codes to the
// next year's.
var LookupTable = warehouse.Table{Schema: "raw", Name: "ons_lad_lookups", Doc: "ONS year-to-year local authority district lookups", Columns: []warehouse.Column{
	{Name: "from_year", Type: "INTEGER", Doc: "2-digit code year of the source columns, as 2000 + yy"},
	{Name: "from_code", Type: "VARCHAR"},
	{Name: "from_name", Type: "VARCHAR"},
	{Name: "to_year", Type: "INTEGER"},
	{Name: "to_code", Type: "VARCHAR"},
	{Name: "to_name", Type: "VARCHAR"},
}}

// lookupServiceRe matches a district-to-district lookup service such as LAD24_LAD25_UK_LU_v2.
var lookupServiceRe = regexp.MustCompile(`^LAD(\d{2})_LAD(\d{2})_(UK|EW|GB)_LU(_v\d+)?$`)

type serviceList struct {
	Services []struct {
		Name string `json:"name"`
		Type string `json:"type"`
		URL  string `json:"url"`
	} `json:"services"`
}

// discoverLookups lists the district lookup services in the ONS directory, newest revision of each
// year pair, each as a release whose one asset is the service's query (every feature, JSON).
func discoverLookups(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	var list serviceList
	if err := env.Fetch.GetJSON(ctx, ArcGISServices+"?f=json", &list); err != nil {
		return nil, err
	}
	best := map[string]string{} // "24_25" -> service name
	for _, s := range list.Services {
		m := lookupServiceRe.FindStringSubmatch(s.Name)
		if m == nil || !strings.EqualFold(s.Type, "FeatureServer") {
			continue
		}
		key := m[1] + "_" + m[2]
		if prev, ok := best[key]; !ok || s.Name > prev {
			best[key] = s.Name
		}
	}
	var keys []string
	for k := range best {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []sources.Release
	for _, k := range keys {
		name := best[k]
		q := url.Values{"where": {"1=1"}, "outFields": {"*"}, "f": {"json"}, "resultOffset": {"0"}, "resultRecordCount": {"2000"}, "orderByFields": {"FID"}}
		out = append(out, sources.Release{
			Dataset: LookupDataset + "-" + k, Vintage: name, Title: "ONS Open Geography Portal: " + name,
			Publisher: "Office for National Statistics", PageURL: ONSGeographyURL,
			Assets: []sources.Asset{{URL: ArcGISServices + "/" + name + "/FeatureServer/0/query?" + q.Encode(), Name: name + ".json", Kind: fetch.KindJSON}},
		})
	}
	return out, nil
}

var ladFieldRe = regexp.MustCompile(`^LAD(\d{2})(CD|NM)$`)

// loadLookup reads one query result: {"features": [{"attributes": {"LAD24CD": …, "LAD24NM": …,
// "LAD25CD": …, "LAD25NM": …}}], "exceededTransferLimit": false}.
func loadLookup(ctx context.Context, ld *sources.Loader, path, file string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	var doc struct {
		Features []struct {
			Attributes map[string]any `json:"attributes"`
		} `json:"features"`
		Exceeded bool `json:"exceededTransferLimit"`
		Error    *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if err := json.NewDecoder(io.LimitReader(f, 64<<20)).Decode(&doc); err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	if doc.Error != nil {
		return fmt.Errorf("%s: the service answered error %d: %s", file, doc.Error.Code, doc.Error.Message)
	}
	if doc.Exceeded {
		return fmt.Errorf("%s: the service returned a partial result (exceededTransferLimit); the lookup is larger than one page", file)
	}
	w, err := ld.Writer(ctx, LookupTable.Name)
	if err != nil {
		return err
	}
	for i, feat := range doc.Features {
		years := map[string]int{}
		for k := range feat.Attributes {
			if m := ladFieldRe.FindStringSubmatch(strings.ToUpper(k)); m != nil {
				y, _ := strconv.Atoi(m[1])
				years[m[1]] = 2000 + y
			}
		}
		if len(years) != 2 {
			return fmt.Errorf("%s feature %d: want LADyyCD/NM fields for two years, got %v", file, i, keysOf(feat.Attributes))
		}
		var yy []string
		for k := range years {
			yy = append(yy, k)
		}
		sort.Strings(yy)
		get := func(k string) string {
			for key, v := range feat.Attributes {
				if strings.EqualFold(key, k) {
					if s, ok := v.(string); ok {
						return strings.TrimSpace(s)
					}
				}
			}
			return ""
		}
		from, to := yy[0], yy[1]
		fromCode, toCode := get("LAD"+from+"CD"), get("LAD"+to+"CD")
		if fromCode == "" || toCode == "" {
			return fmt.Errorf("%s feature %d: %w", file, i, errors.New("a district code is empty"))
		}
		if err := w.Append(file, "", i+1, years[from], fromCode, get("LAD"+from+"NM"), years[to], toCode, get("LAD"+to+"NM")); err != nil {
			return err
		}
	}
	return nil
}

func keysOf(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
