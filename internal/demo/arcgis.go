package demo

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// ArcGISServices is the ONS Open Geography Portal's service directory.
const ArcGISServices = "https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services"

// lookupRecodes are code changes the demo's LAD24 to LAD25 lookup carries (Barnsley and Sheffield
// were recoded after minor boundary changes).
var lookupRecodes = map[string]string{"E08000016": "E08000038", "E08000019": "E08000039"}

// arcgis serves the service directory and two district lookups: LAD22 to LAD23 (the 2023
// reorganisations) and LAD24 to LAD25 (recodes).
func (g *generator) arcgis(s *Sample) error {
	type pair struct{ from, to int }
	pairs := []pair{{22, 23}, {24, 25}}
	var services []map[string]string
	for _, p := range pairs {
		name := fmt.Sprintf("LAD%d_LAD%d_UK_LU", p.from, p.to)
		if p.to == 25 {
			name += "_v2"
		}
		svc := ArcGISServices + "/" + name + "/FeatureServer"
		services = append(services, map[string]string{"name": name, "type": "FeatureServer", "url": svc})
		var feats []map[string]any
		fromDate := fmt.Sprintf("20%d-12-31", p.from)
		toDate := fmt.Sprintf("20%d-06-30", p.to)
		byReg := ByRegister(g.areas)
		for _, a := range g.areas {
			if a.Type == "CTY" || !a.exists(fromDate) {
				continue
			}
			to := a
			if !a.exists(toDate) {
				for _, r := range strings.Split(a.ReplacedBy, ",") {
					if succ, ok := byReg[r]; ok {
						to = succ
					}
				}
			}
			toCode := to.Code
			if p.to == 25 {
				if c, ok := lookupRecodes[toCode]; ok {
					toCode = c
				}
			}
			feats = append(feats, map[string]any{"attributes": map[string]any{
				fmt.Sprintf("LAD%dCD", p.from): a.Code, fmt.Sprintf("LAD%dNM", p.from): a.Name,
				fmt.Sprintf("LAD%dCD", p.to): toCode, fmt.Sprintf("LAD%dNM", p.to): to.Name,
				"FID": len(feats) + 1,
			}})
		}
		sort.SliceStable(feats, func(i, j int) bool {
			return fmt.Sprint(feats[i]["attributes"]) < fmt.Sprint(feats[j]["attributes"])
		})
		body, err := json.Marshal(map[string]any{"objectIdFieldName": "FID", "features": feats, "exceededTransferLimit": false})
		if err != nil {
			return err
		}
		q := url.Values{"where": {"1=1"}, "outFields": {"*"}, "f": {"json"}, "resultOffset": {"0"}, "resultRecordCount": {"2000"}, "orderByFields": {"FID"}}
		s.add(svc+"/0/query?"+q.Encode(), ctJSON, body, fixedTime)
	}
	body, err := json.Marshal(map[string]any{"currentVersion": 11.3, "services": services})
	if err != nil {
		return err
	}
	s.add(ArcGISServices+"?f=json", ctJSON, body, fixedTime)
	return nil
}
