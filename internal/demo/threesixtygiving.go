package demo

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
)

// ThreeSixtyGivingRegistry is the registry URL the threesixtygiving source reads.
const ThreeSixtyGivingRegistry = "https://registry.threesixtygiving.org/data.json"

// Grant is a synthetic 360Giving grant for the demo and for tests that need the same grants in
// every publishing format.
type Grant struct {
	ID, Title, Description, Currency string
	Amount                           float64
	AwardDate, Start, End            string // YYYY-MM-DD
	Months                           int
	OrgID, OrgName, Charity          string
	City, Postcode                   string
	OrgLoc                           GrantLocation
	IndID, IndName                   string
	Beneficiary                      []GrantLocation
	FunderID, FunderName             string
	ProgCode, ProgTitle              string
	OpenCall, LastModified           string
}

// GrantLocation is a 360Giving location (geoCodeType from the codelist: UA, NMD, MD, LONB, CTY, RGN…).
type GrantLocation struct{ Code, Type, Name string }

// geoType is the 360Giving geoCodeType of an area.
func geoType(a Area) string {
	return map[string]string{"UA": "UA", "NMD": "NMD", "MD": "MD", "LBO": "LONB", "CTY": "CTY"}[a.Type]
}

// DemoGrants returns n synthetic grants per current lower-tier area from one funder, plus a
// national body in London benefiting England (the headquarters effect), a grant to an abolished
// district's code, one placed only by the recipient's location, and one with a region then a
// local authority as beneficiaries. Deterministic.
func DemoGrants(areas []Area, funderID, funderName, idPrefix, programme string, n int, year int) []Grant {
	var out []Grant
	seq := 0
	next := func() string { seq++; return fmt.Sprintf("%s-%d-%05d", idPrefix, year, seq) }
	for _, a := range areas {
		if a.Type == "CTY" || !a.Current() {
			continue
		}
		for i := range n {
			out = append(out, demoGrant(a, funderID, funderName, idPrefix, programme, i, year, next()))
		}
	}
	h := hash01(funderID, "national", fmt.Sprint(year))
	out = append(out,
		Grant{ID: next(), Title: programme + ": national touring programme", Description: Label, Currency: "GBP",
			Amount: math.Round(400_000 + 600_000*h), AwardDate: fmt.Sprintf("%d-06-15", year), Start: fmt.Sprintf("%d-07-01", year),
			End: fmt.Sprintf("%d-06-30", year+2), Months: 24, OrgID: "GB-CHC-1000001", OrgName: "National Touring Network",
			Charity: "1000001", City: "London", Postcode: "ZZ99 9ZZ", OrgLoc: GrantLocation{"E09000007", "LONB", "Camden"},
			Beneficiary: []GrantLocation{{"E92000001", "CTRY", "England"}}, FunderID: funderID, FunderName: funderName,
			ProgCode: strings.ToUpper(idPrefix) + "-P2", ProgTitle: programme + " (national)", OpenCall: "No",
			LastModified: fmt.Sprintf("%d-06-30T09:00:00+00:00", year+1)},
		Grant{ID: next(), Title: programme + ": Harrogate district project", Description: Label, Currency: "GBP",
			Amount: 25_000, AwardDate: fmt.Sprintf("%d-02-10", min(year, 2023)), OrgID: "GB-CHC-1000002", OrgName: "Nidderdale Heritage Group",
			Charity: "1000002", City: "Harrogate", Beneficiary: []GrantLocation{{"E07000165", "NMD", "Harrogate"}},
			FunderID: funderID, FunderName: funderName, ProgCode: strings.ToUpper(idPrefix) + "-P1", ProgTitle: programme, OpenCall: "Yes",
			LastModified: fmt.Sprintf("%d-06-30T09:00:00+00:00", year+1)},
		Grant{ID: next(), Title: programme + ": project placed by its recipient", Description: Label, Currency: "GBP",
			Amount: 12_500, AwardDate: fmt.Sprintf("%d-09-01", year), OrgID: "GB-COH-00000003", OrgName: "Tyneside Makers CIC",
			City: "Newcastle upon Tyne", OrgLoc: GrantLocation{"E08000021", "MD", "Newcastle upon Tyne"},
			FunderID: funderID, FunderName: funderName, ProgCode: strings.ToUpper(idPrefix) + "-P1", ProgTitle: programme, OpenCall: "Yes",
			LastModified: fmt.Sprintf("%d-06-30T09:00:00+00:00", year+1)},
	)
	return out
}

// demoGrant is the i-th synthetic grant of a funder's programme to a lower-tier area in a year, with
// identifier id. Deterministic.
func demoGrant(a Area, funderID, funderName, idPrefix, programme string, i, year int, id string) Grant {
	h := hash01(funderID, a.Code, fmt.Sprint(year, i))
	award := time.Date(year, 4, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(h*360))
	months := 6 + int(h*30)
	g := Grant{
		ID: id, Title: fmt.Sprintf("%s: %s heritage and arts project %d", a.Name, programme, i+1),
		Description: Label, Currency: "GBP", Amount: math.Round(3000 + 240_000*h*h),
		AwardDate: award.Format(time.DateOnly), Start: award.AddDate(0, 1, 0).Format(time.DateOnly),
		End: award.AddDate(0, 1+months, -1).Format(time.DateOnly), Months: months,
		OrgID: fmt.Sprintf("GB-CHC-%07d", 1_100_000+int(h*899_999)), OrgName: fmt.Sprintf("%s Community Arts Trust %d", a.Name, i+1),
		City: a.Name, Postcode: "ZZ99 9ZZ", OrgLoc: GrantLocation{a.Code, geoType(a), a.Name},
		Beneficiary: []GrantLocation{{a.Code, geoType(a), a.Name}},
		FunderID:    funderID, FunderName: funderName, ProgCode: strings.ToUpper(idPrefix) + "-P1", ProgTitle: programme,
		OpenCall: "Yes", LastModified: fmt.Sprintf("%d-06-30T09:00:00+00:00", year+1),
	}
	g.Charity = strings.TrimPrefix(g.OrgID, "GB-CHC-")
	if i == 1 {
		// A region first, then the local authority.
		g.Beneficiary = []GrantLocation{{regionCodes[a.Region], "RGN", a.Region}, {a.Code, geoType(a), a.Name}}
	}
	return g
}

// GrantsFlatStyle says how a flattened spreadsheet spells its column titles.
type GrantsFlatStyle int

// Flattened header styles publishers use.
const (
	// FlatIndexed numbers repeated objects, GrantNav style: "Beneficiary Location:0:Geographic Code".
	FlatIndexed GrantsFlatStyle = iota
	// FlatSpaced puts a space after each colon and no index: "Recipient Org: Name".
	FlatSpaced
)

// GrantsFlat lays grants out as a 360Giving flattened spreadsheet (header row first).
func GrantsFlat(grants []Grant, style GrantsFlatStyle) [][]any {
	maxBen := 1
	for _, g := range grants {
		maxBen = max(maxBen, len(g.Beneficiary))
	}
	rows := [][]any{grantsHeader(maxBen, style)}
	for _, g := range grants {
		rows = append(rows, grantRow(g, maxBen))
	}
	return rows
}

// grantsHeader is a flattened header with maxBen beneficiary locations.
func grantsHeader(maxBen int, style GrantsFlatStyle) []any {
	title := func(parts ...string) string {
		if style == FlatSpaced {
			return strings.Join(parts, ": ")
		}
		return strings.Join(parts, ":")
	}
	ben := func(i int, field string) string {
		if style == FlatIndexed {
			return title("Beneficiary Location", fmt.Sprint(i), field)
		}
		if i == 0 {
			return title("Beneficiary Location", field)
		}
		return title("Beneficiary Location", fmt.Sprint(i), field)
	}
	orgLoc := func(field string) string {
		if style == FlatIndexed {
			return title("Recipient Org", "Location", "0", field)
		}
		return title("Recipient Org", "Location", field)
	}
	header := []any{"Identifier", "Title", "Description", "Currency", "Amount Awarded", "Award Date",
		title("Planned Dates", "Start Date"), title("Planned Dates", "End Date"), title("Planned Dates", "Duration (months)"),
		title("Recipient Org", "Identifier"), title("Recipient Org", "Name"), title("Recipient Org", "Charity Number"),
		title("Recipient Org", "City"), title("Recipient Org", "Postal Code"),
		orgLoc("Geographic Code"), orgLoc("Geographic Code Type"), orgLoc("Name"),
		title("Recipient Ind", "Identifier"), title("Recipient Ind", "Name")}
	for i := range maxBen {
		header = append(header, ben(i, "Name"), ben(i, "Geographic Code"), ben(i, "Geographic Code Type"))
	}
	return append(header, title("Funding Org", "Identifier"), title("Funding Org", "Name"), title("Grant Programme", "Code"),
		title("Grant Programme", "Title"), "From An Open Call?", "Last Modified", "Data Source")
}

// grantRow is one grant's flattened row with maxBen beneficiary locations.
func grantRow(g Grant, maxBen int) []any {
	months := any(nil)
	if g.Months > 0 {
		months = g.Months
	}
	r := []any{g.ID, g.Title, g.Description, g.Currency, g.Amount, g.AwardDate, g.Start, g.End, months,
		g.OrgID, g.OrgName, g.Charity, g.City, g.Postcode, g.OrgLoc.Code, g.OrgLoc.Type, g.OrgLoc.Name, g.IndID, g.IndName}
	for i := range maxBen {
		if i < len(g.Beneficiary) {
			b := g.Beneficiary[i]
			r = append(r, b.Name, b.Code, b.Type)
		} else {
			r = append(r, "", "", "")
		}
	}
	return append(r, g.FunderID, g.FunderName, g.ProgCode, g.ProgTitle, g.OpenCall, g.LastModified, "")
}

// GrantsCSV writes grants as a flattened CSV.
func GrantsCSV(grants []Grant, style GrantsFlatStyle) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for _, r := range GrantsFlat(grants, style) {
		if err := w.Write(csvRecord(r, nil)); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// csvRecord formats a row's cells as CSV fields (nil is empty), reusing rec's storage.
func csvRecord(r []any, rec []string) []string {
	rec = rec[:0]
	for _, v := range r {
		switch x := v.(type) {
		case nil:
			rec = append(rec, "")
		case string:
			rec = append(rec, x)
		default:
			rec = append(rec, fmt.Sprint(x))
		}
	}
	return rec
}

// GrantsXLSX writes grants as a flattened workbook: a "grants" sheet with amounts as numbers.
func GrantsXLSX(grants []Grant, style GrantsFlatStyle) ([]byte, error) {
	return writeXLSX([]sheet{{Name: "grants", Rows: GrantsFlat(grants, style)}})
}

// GrantsJSON writes grants as a 360Giving JSON package {"grants": [...]}.
func GrantsJSON(grants []Grant) ([]byte, error) {
	list := make([]map[string]any, 0, len(grants))
	for _, g := range grants {
		list = append(list, grantJSON(g))
	}
	return json.MarshalIndent(map[string]any{"grants": list}, "", " ")
}

// grantJSON is one grant as a 360Giving JSON object.
func grantJSON(g Grant) map[string]any {
	type loc struct {
		GeoCode     string `json:"geoCode,omitempty"`
		GeoCodeType string `json:"geoCodeType,omitempty"`
		Name        string `json:"name,omitempty"`
	}
	m := map[string]any{"id": g.ID, "title": g.Title, "description": g.Description, "currency": g.Currency,
		"amountAwarded": g.Amount, "awardDate": g.AwardDate, "dateModified": g.LastModified, "fromOpenCall": g.OpenCall,
		"fundingOrganization": []map[string]any{{"id": g.FunderID, "name": g.FunderName}},
		"grantProgramme":      []map[string]any{{"code": g.ProgCode, "title": g.ProgTitle}}}
	if g.Start != "" {
		m["plannedDates"] = []map[string]any{{"startDate": g.Start, "endDate": g.End, "duration": g.Months}}
	}
	if g.OrgID != "" {
		o := map[string]any{"id": g.OrgID, "name": g.OrgName, "addressLocality": g.City, "postalCode": g.Postcode}
		if g.Charity != "" {
			o["charityNumber"] = g.Charity
		}
		if g.OrgLoc.Code != "" {
			o["location"] = []loc{{g.OrgLoc.Code, g.OrgLoc.Type, g.OrgLoc.Name}}
		}
		m["recipientOrganization"] = []map[string]any{o}
	}
	if g.IndID != "" {
		m["recipientIndividual"] = map[string]any{"id": g.IndID, "name": g.IndName}
	}
	var bl []loc
	for _, b := range g.Beneficiary {
		bl = append(bl, loc{b.Code, b.Type, b.Name})
	}
	if len(bl) > 0 {
		m["beneficiaryLocation"] = bl
	}
	return m
}

// threeSixtyGiving serves the registry and one dataset in each publishing format: Arts Council
// England as XLSX (indexed titles) and CSV (spaced titles), the National Lottery Heritage Fund as
// JSON, and a trust the source does not follow.
func (g *generator) threeSixtyGiving(s *Sample) error {
	type dataset struct {
		id, title, orgID, orgName, prefix, url, ct, licence string
		body                                                func() ([]byte, error)
		modified                                            time.Time
	}
	ace := func(year int) []Grant {
		return DemoGrants(g.areas, "GB-CHC-1036733", "Arts Council England", "360G-ACE", "Developing Your Creative Practice", 1, year)
	}
	nlhf := DemoGrants(g.areas, "GB-GOR-PC390", "The National Lottery Heritage Fund", "360G-NLHF", "National Lottery Grants for Heritage – £10,000 to £250,000", 2, 2024)
	other := DemoGrants(g.areas[:3], "GB-CHC-9999999", "Demo Community Trust", "360G-demotrust", "Small grants", 1, 2024)
	sets := []dataset{
		{"a001p00000ACE2023", "Arts Council England grants 2023-24", "GB-CHC-1036733", "Arts Council England", "360G-ACE",
			"https://www.artscouncil.org.uk/sites/default/files/360giving/ace_grants_2023-24.xlsx", ctXLSX, "Open Government Licence v3.0",
			func() ([]byte, error) { return GrantsXLSX(ace(2023), FlatIndexed) }, time.Date(2024, 7, 1, 9, 0, 0, 0, time.UTC)},
		{"a001p00000ACE2024", "Arts Council England grants 2024-25", "GB-CHC-1036733", "Arts Council England", "360G-ACE",
			"https://www.artscouncil.org.uk/sites/default/files/360giving/ace_grants_2024-25.csv", ctCSV, "Open Government Licence v3.0",
			func() ([]byte, error) { return GrantsCSV(ace(2024), FlatSpaced) }, time.Date(2025, 7, 1, 9, 0, 0, 0, time.UTC)},
		{"a001p00000NLHF2024", "National Lottery Heritage Fund grants", "GB-GOR-PC390", "The National Lottery Heritage Fund", "360G-NLHF",
			"https://www.heritagefund.org.uk/sites/default/files/360giving/nlhf_grants.json", ctJSON, "Creative Commons Attribution 4.0 International",
			func() ([]byte, error) { return GrantsJSON(nlhf) }, time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)},
		{"a001p00000DEMO", "Demo Community Trust grants", "GB-CHC-9999999", "Demo Community Trust", "360G-demotrust",
			"https://example.org/demotrust/grants.csv", ctCSV, "Creative Commons Attribution 4.0 International",
			func() ([]byte, error) { return GrantsCSV(other, FlatIndexed) }, time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)},
	}
	var registry []map[string]any
	for _, d := range sets {
		body, err := d.body()
		if err != nil {
			return err
		}
		s.add(d.url, d.ct, body, d.modified)
		registry = append(registry, map[string]any{
			"title": d.title, "description": Label, "identifier": d.id,
			"license": "https://example.org/licence", "license_name": d.licence,
			"issued": d.modified.Format(time.DateOnly), "modified": d.modified.Format("2006-01-02T15:04:05+0000"),
			"publisher": map[string]any{"name": d.orgName, "website": "https://example.org/", "logo": "", "prefix": d.prefix,
				"org_id": d.orgID, "last_published": d.modified.Format(time.DateOnly)},
			"distribution": []map[string]any{{"downloadURL": d.url, "accessURL": "https://example.org/" + d.id, "title": d.title}},
		})
	}
	body, err := json.MarshalIndent(registry, "", " ")
	if err != nil {
		return err
	}
	s.add(ThreeSixtyGivingRegistry, ctJSON, body, fixedTime)
	return nil
}
