package mhclg

import (
	"sort"
	"strings"
)

// Measure is one column of an RO service line (£ thousand).
type Measure struct {
	Code  string // C1 … C9
	Label string
}

// Measures are the RO columns: C1-C7 on every form, C8 and C9 on older ones.
var Measures = []Measure{
	{"C1", "Employees"}, {"C2", "Running expenses"}, {"C3", "Total expenditure"},
	{"C4", "Sales, fees and charges"}, {"C5", "Other income"}, {"C6", "Total income"},
	{"C7", "Net current expenditure"}, {"C8", "Capital charges"}, {"C9", "Net total cost"},
}

// measureHeaders are the measure header texts seen in RO5 workbooks, each matched exactly (after
// sheets.NormalizeHeader): the form's own spelling, with its formula, and the older capitalised
// variants. The first spelling of each code is the canonical one used in error messages.
var measureHeaders = []struct{ text, code string }{
	{"Employees (C1)", "C1"},
	{"Running Expenses (C2)", "C2"},
	{"Total Expenditure (C3 = C1 + C2)", "C3"},
	{"Sales, Fees and Charges (C4)", "C4"},
	{"Other Income (C5)", "C5"},
	{"Total Income (C6 = C4 + C5)", "C6"},
	{"Net Current Expenditure (C7 = C3 - C6)", "C7"},
	{"Capital Charges (C8)", "C8"},
	{"Net Total Cost (C9 = C7 + C8)", "C9"},
	// Older spellings.
	{"EMPLOYEES (Col 1)", "C1"},
	{"RUNNING EXPENSES (Col 2)", "C2"},
	{"TOTAL EXPENDITURE (Col 1+2)", "C3"},
	{"Sales, Fees & Charges (C4)", "C4"},
	{"SALES, FEES AND CHARGES (Col 4)", "C4"},
	{"OTHER INCOME (Col 5)", "C5"},
	{"TOTAL INCOME (Col 4+5)", "C6"},
	{"NET CURRENT (Col 3-6)", "C7"},
	{"CAPITAL CHARGES (Col 8)", "C8"},
	{"NET TOTAL COST (Col 7+8)", "C9"},
}

var measureByText = func() map[string]string {
	m := map[string]string{}
	for _, h := range measureHeaders {
		m[norm(h.text)] = h.code
	}
	return m
}()

// canonicalMeasure returns the form's own spelling of a measure code.
func canonicalMeasure(code string) string {
	for _, h := range measureHeaders {
		if h.code == code {
			return h.text
		}
	}
	return code
}

// MeasureLabel returns the label of a measure code ("Employees" for C1).
func MeasureLabel(code string) string {
	for _, m := range Measures {
		if m.Code == code {
			return m.Label
		}
	}
	return code
}

// Line is one RO5 (or RA) service line that Cornerstone keeps: every culture, heritage, library,
// tourism, recreation and open-space line and the totals they sum to.
type Line struct {
	Key   string // stable id, e.g. "museums_galleries"
	Label string
	// Spellings are the service texts the line has had in published headers, each matched
	// exactly: the prefixed form of the newer workbooks ("Culture and heritage - Archives") and the
	// bare one of the older ones ("Archives").
	Spellings []string
	// Required lines must be present in every RO5 workbook (one of the alternatives named by
	// OneOf when set).
	Required bool
	OneOf    string
}

// RO5Lines is the RO5 catalogue. Only "Library service", "Street cleansing (not chargeable to
// Highways)" and the other headers in ../shared/reference were read from real workbooks; the
// other spellings come from parsers of the real files and are matched exactly, so a spelling
// that differs in a real file fails loudly with the nearest headers found rather than loading
// the wrong line.
var RO5Lines = []Line{
	{Key: "archives", Label: "Archives", Required: true,
		Spellings: []string{"Culture and heritage - Archives", "Archives"}},
	{Key: "arts_development", Label: "Arts development and support", Required: true,
		Spellings: []string{"Culture and heritage - Arts development and support", "Arts development and support"}},
	{Key: "heritage", Label: "Heritage", Required: true,
		Spellings: []string{"Culture and heritage - Heritage", "Heritage"}},
	{Key: "museums_galleries", Label: "Museums and galleries", Required: true,
		Spellings: []string{"Culture and heritage - Museums and galleries", "Museums and galleries"}},
	{Key: "theatres", Label: "Theatres and public entertainment", Required: true,
		Spellings: []string{"Culture and heritage - Theatres and public entertainment", "Theatres and public entertainment"}},
	{Key: "community_centres", Label: "Community centres and public halls", Required: true,
		Spellings: []string{"Recreation and sport - Community centres and public halls", "Community centres and public halls"}},
	{Key: "foreshore", Label: "Foreshore", Required: true,
		Spellings: []string{"Recreation and sport - Foreshore", "Foreshore"}},
	{Key: "sports_development", Label: "Sports development and community recreation", Required: true,
		Spellings: []string{"Recreation and sport - Sports development and community recreation", "Sports development and community recreation"}},
	{Key: "sports_facilities", Label: "Sports and recreation facilities, including golf courses", Required: true,
		Spellings: []string{"Recreation and sport - Sports and recreation facilities including golf courses",
			"Recreation and sport - Sports and recreation facilities incl. golf",
			"Sports and recreation facilities, including golf courses", "Sports and recreation facilities including golf courses"}},
	{Key: "open_spaces", Label: "Open spaces", Required: true, OneOf: "open spaces",
		Spellings: []string{"Open spaces"}},
	{Key: "parks_open_spaces", Label: "Parks and open spaces", Required: true, OneOf: "open spaces",
		Spellings: []string{"Open spaces - Parks and open spaces"}},
	{Key: "allotments", Label: "Allotments", Required: true, OneOf: "open spaces",
		Spellings: []string{"Open spaces - Allotments"}},
	{Key: "tourism", Label: "Tourism", Required: true, Spellings: []string{"Tourism"}},
	{Key: "library", Label: "Library service", Required: true, Spellings: []string{"Library service"}},
	{Key: "total_cultural", Label: "Total cultural and related services", Required: true,
		Spellings: []string{"TOTAL CULTURAL AND RELATED SERVICES"}},
	{Key: "total_environmental", Label: "Total environmental and regulatory services",
		Spellings: []string{"TOTAL ENVIRONMENTAL AND REGULATORY SERVICES"}},
	{Key: "total_planning", Label: "Total planning and development services",
		Spellings: []string{"TOTAL PLANNING AND DEVELOPMENT SERVICES"}},
	{Key: "total_all", Label: "Total cultural, environmental, regulatory and planning services", Required: true,
		Spellings: []string{"TOTAL CULTURAL, ENVIRONMENTAL, REGULATORY AND PLANNING SERVICES"}},
}

// TimeSeriesLines are the RS and RSX lines the time series adds for the culture share of service
// spend; their data items are found through the metadata descriptions like the RO5 lines.
var TimeSeriesLines = []Line{
	{Key: "cultural_services", Label: "Cultural and related services", Spellings: []string{"Cultural and related services"}},
	{Key: "total_service_expenditure", Label: "Total service expenditure",
		Spellings: []string{"Total Service Expenditure", "TOTAL SERVICE EXPENDITURE"}},
}

// RALines are the Revenue Account budget lines kept: the budget form groups culture and
// heritage other than archives, recreation and sport, and open spaces into one line each.
var RALines = []Line{
	{Key: "archives", Label: "Archives", Required: true, Spellings: []string{"Archives"}},
	{Key: "culture_heritage_excl_archives", Label: "Culture and heritage (excluding archives)", Required: true,
		Spellings: []string{"Culture and heritage (excluding archives)", "Culture and heritage excluding archives"}},
	{Key: "recreation_sport", Label: "Recreation and sport", Required: true, Spellings: []string{"Recreation and sport"}},
	{Key: "open_spaces", Label: "Open spaces", Required: true, Spellings: []string{"Open spaces"}},
	{Key: "tourism", Label: "Tourism", Required: true, Spellings: []string{"Tourism"}},
	{Key: "library", Label: "Library service", Required: true, Spellings: []string{"Library service"}},
	{Key: "total_cultural", Label: "Total cultural and related services", Required: true,
		Spellings: []string{"TOTAL CULTURAL AND RELATED SERVICES", "Total cultural and related services"}},
}

// catalogue looks service texts up in a list of lines.
type catalogue struct {
	lines   []Line
	byText  map[string]string // normalised spelling -> key
	byKey   map[string]Line
	ordered []string // spellings, longest first (for suffix matching)
}

func newCatalogue(lines ...[]Line) *catalogue {
	c := &catalogue{byText: map[string]string{}, byKey: map[string]Line{}}
	for _, ls := range lines {
		for _, l := range ls {
			c.lines = append(c.lines, l)
			c.byKey[l.Key] = l
			for _, s := range l.Spellings {
				c.byText[norm(s)] = l.Key
				c.ordered = append(c.ordered, norm(s))
			}
		}
	}
	sort.SliceStable(c.ordered, func(i, j int) bool { return len(c.ordered[i]) > len(c.ordered[j]) })
	return c
}

var (
	ro5Catalogue = newCatalogue(RO5Lines)
	tsCatalogue  = newCatalogue(RO5Lines, TimeSeriesLines)
	raCatalogue  = newCatalogue(RALines)
)

// line returns the key of a service text, or "" when it is not a kept line.
func (c *catalogue) line(service string) string { return c.byText[norm(service)] }

// suffix returns the key of the longest kept spelling that ends text at a boundary (the start of
// the text, or after " - " or ": "), case-insensitively: a metadata description such as
// "Net current expenditure - Culture and heritage - Archives" names the archives line.
func (c *catalogue) suffix(text string) string {
	t := strings.ToLower(norm(text))
	for _, s := range c.ordered {
		ls := strings.ToLower(s)
		if !strings.HasSuffix(t, ls) {
			continue
		}
		head := t[:len(t)-len(ls)]
		if head == "" || strings.HasSuffix(head, " - ") || strings.HasSuffix(head, ": ") {
			return c.byText[s]
		}
	}
	return ""
}

// flatMeasure reads a flat header "<service> - <measure>": it recognises a known measure text at
// the end (never splitting on " - ", which service names contain) and returns the service text
// before it.
func flatMeasure(header string) (service, measureText, code string, ok bool) {
	h := norm(header)
	best := ""
	for _, m := range measureHeaders {
		t := norm(m.text)
		if strings.HasSuffix(h, " - "+t) && len(t) > len(best) {
			best = t
		}
	}
	if best == "" {
		return "", "", "", false
	}
	service = strings.TrimSpace(strings.TrimSuffix(h, " - "+best))
	if service == "" {
		return "", "", "", false
	}
	return service, best, measureByText[best], true
}
