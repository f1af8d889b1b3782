package threesixtygiving

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/values"
)

// Grant is one grant with the standard's fields this source keeps, whatever the file format.
// Amounts are nil when absent; dates are nil when absent. ReadFile reuses the Grant and what its
// pointers point to from one grant to the next.
type Grant struct {
	ID, Title, Description, Currency                 string
	AmountAwarded, AmountAppliedFor, AmountDisbursed *float64
	AwardDate, PlannedStart, PlannedEnd              *time.Time
	PlannedMonths                                    *float64
	RecipientOrgID, RecipientOrgName                 string
	RecipientOrgCharity, RecipientOrgCompany         string
	RecipientOrgCity, RecipientOrgPostalCode         string
	RecipientOrgLocation                             Location
	RecipientIndID, RecipientIndName                 string
	Beneficiary                                      Location
	BeneficiaryCount                                 int
	FundingOrgID, FundingOrgName                     string
	ProgrammeCode, ProgrammeTitle                    string
	LocationScope, FromOpenCall, DataSource          string
	LastModified                                     string
}

// Location is a beneficiary or recipient organisation location.
type Location struct {
	Code, Type, Name, Country string
}

// laTypes are the geoCodeType values of local authorities (there is no plain "LAD" in the
// codelist), and laCodeRe the GSS prefixes of local authorities (isLACode is the same test
// without a regular expression: it runs for every location of every grant).
var (
	laTypes  = map[string]bool{"UA": true, "NMD": true, "MD": true, "LONB": true, "CTY": true, "LAD": true}
	laCodeRe = regexp.MustCompile(`^(E0[6-9]|E10|W06|S12|N09)\d{6}$`)
)

// isLA reports whether a location is a local authority.
func (l Location) isLA() bool {
	return isLAType(l.Type) || isLACode(l.Code)
}

// isLAType reports whether laTypes holds the upper-cased, trimmed geoCodeType.
func isLAType(t string) bool {
	t = strings.TrimSpace(t)
	if len(t) < 2 || len(t) > 4 {
		// The only non-ASCII runes ToUpper turns into ASCII are 'ı' and 'ſ' (I and S, in no
		// type), so nothing shorter or longer can match.
		return false
	}
	var up [4]byte
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c >= utf8.RuneSelf {
			return laTypes[strings.ToUpper(t)]
		}
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		up[i] = c
	}
	switch string(up[:len(t)]) {
	case "UA", "NMD", "MD", "LONB", "CTY", "LAD":
		return true
	}
	return false
}

// isLACode reports whether laCodeRe matches code: a local authority's GSS prefix and six ASCII
// digits.
func isLACode(code string) bool {
	if len(code) != 9 {
		return false
	}
	switch code[:3] {
	case "E06", "E07", "E08", "E09", "E10", "W06", "S12", "N09":
	default:
		return false
	}
	for i := 3; i < 9; i++ {
		if code[i] < '0' || code[i] > '9' {
			return false
		}
	}
	return true
}

func (l Location) empty() bool {
	return l.Code == "" && l.Name == "" && l.Type == "" && l.Country == ""
}

// pickLocation returns the first local-authority location, else the first with a code, else the
// first, and how many non-empty locations there are (empty ones are ignored).
func pickLocation(locs []Location) (Location, int) {
	n, la, coded, first := 0, -1, -1, -1
	for i := range locs {
		l := &locs[i]
		if l.empty() {
			continue
		}
		n++
		if first < 0 {
			first = i
		}
		if la < 0 && l.isLA() {
			la = i
		}
		if coded < 0 && l.Code != "" {
			coded = i
		}
	}
	switch {
	case la >= 0:
		return locs[la], n
	case coded >= 0:
		return locs[coded], n
	case first >= 0:
		return locs[first], n
	}
	return Location{}, 0
}

// Format is a 360Giving file format.
type Format string

// The formats a dataset may be published in.
const (
	FormatJSON  Format = "JSON"
	FormatSheet Format = "spreadsheet" // CSV, XLSX, ODS or XLS
)

// DetectFormat tells a JSON file from a spreadsheet by its first non-space byte.
func DetectFormat(path string) (Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("opening %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	b := bytes.TrimLeft(bytes.TrimPrefix(head[:n], []byte("\ufeff")), " \t\r\n")
	if len(b) > 0 && (b[0] == '{' || b[0] == '[') {
		return FormatJSON, nil
	}
	return FormatSheet, nil
}

// ReadFile streams the grants of a 360Giving file (JSON, or a flattened spreadsheet in any format
// sheets reads) to fn with the row (spreadsheet row number, or 1-based record number in JSON) and
// sheet. Memory stays bounded whatever the file's size. A grant without an identifier, or a value
// that does not parse, is an error naming the file, sheet, row and column.
func ReadFile(ctx context.Context, path, file string, fn func(sheet string, row int, g *Grant) error) error {
	format, err := DetectFormat(path)
	if err != nil {
		return err
	}
	if format == FormatJSON {
		return readJSON(ctx, path, file, fn)
	}
	return readSheet(ctx, path, file, fn)
}

// ---- spreadsheets ----

// flatKey normalises a flattened column title: parts split on ':' and trimmed, lower case, spaces
// collapsed, so "Recipient Org:Name", "Recipient Org: Name" and "recipient org : name" match.
// A numeric part (the index of a repeated object) is returned apart: -1 when there is none.
func flatKey(title string) (key string, index int) {
	parts := strings.Split(sheets.NormalizeHeader(title), ":")
	index = -1
	var out []string
	for _, p := range parts {
		p = strings.ToLower(strings.Join(strings.Fields(p), " "))
		if n, err := strconv.Atoi(p); err == nil && n >= 0 && index < 0 {
			index = n
			continue
		}
		out = append(out, p)
	}
	return strings.Join(out, ":"), index
}

// Flattened titles (lower case, as flatKey gives them).
const (
	kID            = "identifier"
	kTitle         = "title"
	kDescription   = "description"
	kCurrency      = "currency"
	kAwarded       = "amount awarded"
	kApplied       = "amount applied for"
	kDisbursed     = "amount disbursed"
	kAwardDate     = "award date"
	kPlannedStart  = "planned dates:start date"
	kPlannedEnd    = "planned dates:end date"
	kPlannedMonths = "planned dates:duration (months)"
	kOrgID         = "recipient org:identifier"
	kOrgName       = "recipient org:name"
	kOrgCharity    = "recipient org:charity number"
	kOrgCompany    = "recipient org:company number"
	kOrgCity       = "recipient org:city"
	kOrgPostcode   = "recipient org:postal code"
	kOrgLocCode    = "recipient org:location:geographic code"
	kOrgLocType    = "recipient org:location:geographic code type"
	kOrgLocName    = "recipient org:location:name"
	kIndID         = "recipient ind:identifier"
	kIndName       = "recipient ind:name"
	kBenName       = "beneficiary location:name"
	kBenCountry    = "beneficiary location:country code"
	kBenCode       = "beneficiary location:geographic code"
	kBenType       = "beneficiary location:geographic code type"
	kFunderID      = "funding org:identifier"
	kFunderName    = "funding org:name"
	kProgCode      = "grant programme:code"
	kProgTitle     = "grant programme:title"
	kScope         = "location scope"
	kOpenCall      = "from an open call?"
	kDataSource    = "data source"
	kLastModified  = "last modified"
)

// flatCol is where a field is in the header: its column for each index of a repeated object.
type flatCols map[string]map[int]int

func (fc flatCols) add(key string, index, col int) {
	if index < 0 {
		index = 0
	}
	m := fc[key]
	if m == nil {
		m = map[int]int{}
		fc[key] = m
	}
	if _, dup := m[index]; !dup {
		m[index] = col
	}
}

func (fc flatCols) col(key string) int {
	if c, ok := fc[key][0]; ok {
		return c
	}
	return -1
}

// maxIndex returns the highest index any of keys has.
func (fc flatCols) maxIndex(keys ...string) int {
	n := 0
	for _, k := range keys {
		for i := range fc[k] {
			n = max(n, i)
		}
	}
	return n
}

// readSheet reads the grants sheet of a flattened workbook: the first sheet whose header has
// Identifier and Amount Awarded (in the first 10 rows, so title rows above are skipped).
func readSheet(ctx context.Context, path, file string, fn func(string, int, *Grant) error) error {
	wb, err := sheets.Open(path)
	if err != nil {
		return err
	}
	defer wb.Close()
	var nearest []string
	for _, sheet := range wb.Sheets() {
		rows, err := wb.Rows(sheet)
		if err != nil {
			return err
		}
		fc, found, seen, err := findFlatHeader(rows)
		if err != nil {
			rows.Close()
			return err
		}
		if !found {
			rows.Close()
			if len(nearest) == 0 {
				nearest = seen
			}
			continue
		}
		err = readFlatRows(ctx, rows, file, sheet, fc, fn)
		rows.Close()
		return err
	}
	return &sources.LayoutError{File: file, Expected: "Identifier", Nearest: sources.Nearest("Identifier", nearest, 3),
		Detail: "no sheet has a 360Giving header (Identifier, Amount Awarded, Funding Org:Identifier…) in its first 10 rows"}
}

func findFlatHeader(rows sheets.Rows) (flatCols, bool, []string, error) {
	var seen []string
	for i := 0; i < 10 && rows.Next(); i++ {
		fc := flatCols{}
		var texts []string
		for c, cell := range rows.Row() {
			if cell.Value == "" {
				continue
			}
			k, idx := flatKey(cell.Value)
			fc.add(k, idx, c)
			texts = append(texts, sheets.NormalizeHeader(cell.Value))
		}
		if fc.col(kID) >= 0 && fc.col(kAwarded) >= 0 {
			return fc, true, texts, nil
		}
		if seen == nil {
			seen = texts
		}
	}
	return nil, false, seen, rows.Err()
}

// flatLayout is where each field is in a header (resolved once from flatCols): the column, or -1
// when the header lacks it.
type flatLayout struct {
	id, title, desc, currency, awarded, applied, disbursed    int
	awardDate, start, end, months                             int
	orgID, orgName, orgCharity, orgCompany, orgCity, orgPost  int
	indID, indName, funderID, funderName, progCode, progTitle int
	scope, openCall, dataSource, lastModified                 int
	ben                                                       [][4]int // code, type, name, country per index
	org                                                       [][3]int // code, type, name per index
}

func (fc flatCols) index(key string, index int) int {
	if c, ok := fc[key][index]; ok {
		return c
	}
	return -1
}

func (fc flatCols) layout() flatLayout {
	c := func(key string) int { return fc.index(key, 0) }
	lay := flatLayout{
		id: c(kID), title: c(kTitle), desc: c(kDescription), currency: c(kCurrency),
		awarded: c(kAwarded), applied: c(kApplied), disbursed: c(kDisbursed),
		awardDate: c(kAwardDate), start: c(kPlannedStart), end: c(kPlannedEnd), months: c(kPlannedMonths),
		orgID: c(kOrgID), orgName: c(kOrgName), orgCharity: c(kOrgCharity), orgCompany: c(kOrgCompany),
		orgCity: c(kOrgCity), orgPost: c(kOrgPostcode), indID: c(kIndID), indName: c(kIndName),
		funderID: c(kFunderID), funderName: c(kFunderName), progCode: c(kProgCode), progTitle: c(kProgTitle),
		scope: c(kScope), openCall: c(kOpenCall), dataSource: c(kDataSource), lastModified: c(kLastModified),
	}
	for i := 0; i <= fc.maxIndex(kBenCode, kBenName, kBenType, kBenCountry); i++ {
		lay.ben = append(lay.ben, [4]int{fc.index(kBenCode, i), fc.index(kBenType, i), fc.index(kBenName, i), fc.index(kBenCountry, i)})
	}
	for i := 0; i <= fc.maxIndex(kOrgLocCode, kOrgLocName, kOrgLocType); i++ {
		lay.org = append(lay.org, [3]int{fc.index(kOrgLocCode, i), fc.index(kOrgLocType, i), fc.index(kOrgLocName, i)})
	}
	return lay
}

// cell returns the trimmed text of column c ("" when c is -1 or past the row's end).
func cell(row []sheets.Cell, c int) string {
	if c < 0 || c >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[c].Value)
}

// flatReader turns rows of a flattened sheet into grants; g and what it points to are reused.
type flatReader struct {
	file, sheet string
	lay         flatLayout
	g           Grant
	nums        [4]float64 // awarded, applied for, disbursed, months
	dates       [3]time.Time
	locs        []Location
}

func readFlatRows(ctx context.Context, rows sheets.Rows, file, sheet string, fc flatCols, fn func(string, int, *Grant) error) error {
	fr := &flatReader{file: file, sheet: sheet, lay: fc.layout()}
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		g, err := fr.grant(rows.Row(), rows.Number())
		if err != nil {
			return err
		}
		if g == nil {
			continue
		}
		if err := fn(sheet, rows.Number(), g); err != nil {
			return err
		}
	}
	return rows.Err()
}

// grant reads the spreadsheet row numbered num: nil for a row with nothing in it, or an error
// naming the first bad cell (in the order amounts, dates, duration).
func (fr *flatReader) grant(row []sheets.Cell, num int) (*Grant, error) {
	lay := &fr.lay
	g := &fr.g
	*g = Grant{}
	g.ID = cell(row, lay.id)
	if g.ID == "" {
		for _, c := range row {
			if strings.TrimSpace(c.Value) != "" {
				return nil, &sheets.CellError{File: fr.file, Sheet: fr.sheet, Row: num, Col: lay.id, Err: errors.New("a grant without an Identifier")}
			}
		}
		return nil, nil
	}
	var err error
	num64 := func(c, slot int) *float64 {
		if err != nil {
			return nil
		}
		v := cell(row, c)
		n, perr := values.Parse(v)
		if perr != nil {
			err = &sheets.CellError{File: fr.file, Sheet: fr.sheet, Row: num, Col: c, Value: v, Err: perr}
			return nil
		}
		if !n.Valid {
			return nil
		}
		fr.nums[slot] = n.Value
		return &fr.nums[slot]
	}
	date := func(c, slot int) *time.Time {
		if err != nil {
			return nil
		}
		v := cell(row, c)
		d, ok, perr := parseDateValue(v)
		if perr != nil {
			err = &sheets.CellError{File: fr.file, Sheet: fr.sheet, Row: num, Col: c, Value: v, Err: perr}
		}
		if !ok {
			return nil
		}
		fr.dates[slot] = d
		return &fr.dates[slot]
	}
	g.Title, g.Description, g.Currency = cell(row, lay.title), cell(row, lay.desc), cell(row, lay.currency)
	g.AmountAwarded, g.AmountAppliedFor, g.AmountDisbursed = num64(lay.awarded, 0), num64(lay.applied, 1), num64(lay.disbursed, 2)
	g.AwardDate, g.PlannedStart, g.PlannedEnd = date(lay.awardDate, 0), date(lay.start, 1), date(lay.end, 2)
	g.PlannedMonths = num64(lay.months, 3)
	if err != nil {
		return nil, err
	}
	if g.AmountAwarded == nil {
		return nil, &sheets.CellError{File: fr.file, Sheet: fr.sheet, Row: num, Col: lay.awarded, Err: errors.New("a grant without an Amount Awarded")}
	}
	g.RecipientOrgID, g.RecipientOrgName = cell(row, lay.orgID), cell(row, lay.orgName)
	g.RecipientOrgCharity, g.RecipientOrgCompany = cell(row, lay.orgCharity), cell(row, lay.orgCompany)
	g.RecipientOrgCity, g.RecipientOrgPostalCode = cell(row, lay.orgCity), cell(row, lay.orgPost)
	g.RecipientIndID, g.RecipientIndName = cell(row, lay.indID), cell(row, lay.indName)
	g.FundingOrgID, g.FundingOrgName = cell(row, lay.funderID), cell(row, lay.funderName)
	g.ProgrammeCode, g.ProgrammeTitle = cell(row, lay.progCode), cell(row, lay.progTitle)
	g.LocationScope, g.FromOpenCall = cell(row, lay.scope), cell(row, lay.openCall)
	g.DataSource, g.LastModified = cell(row, lay.dataSource), cell(row, lay.lastModified)
	locs := fr.locs[:0]
	for _, b := range lay.ben {
		locs = append(locs, Location{Code: cell(row, b[0]), Type: cell(row, b[1]), Name: cell(row, b[2]), Country: cell(row, b[3])})
	}
	g.Beneficiary, g.BeneficiaryCount = pickLocation(locs)
	locs = locs[:0]
	for _, o := range lay.org {
		locs = append(locs, Location{Code: cell(row, o[0]), Type: cell(row, o[1]), Name: cell(row, o[2])})
	}
	g.RecipientOrgLocation, _ = pickLocation(locs)
	fr.locs = locs
	return g, nil
}

// parseDate reads the standard's dates: "2024-04-02", "2024-04-02T00:00:00+00:00",
// "2024-04-02 00:00:00", a date cell's "2024-04-02T09:00:00", or day-first "02/04/2024".
func parseDate(s string) (*time.Time, error) {
	d, ok, err := parseDateValue(s)
	if !ok {
		return nil, err
	}
	return &d, nil
}

// parseDateValue is parseDate without the pointer: ok is false for blank text or an error.
func parseDateValue(s string) (time.Time, bool, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, false, nil
	}
	if len(s) >= 10 && (len(s) == 10 || s[10] == 'T' || s[10] == ' ') {
		if d, ok := isoDate(s[:10]); ok {
			return d, true, nil
		}
		if d, err := time.Parse(time.DateOnly, s[:10]); err == nil {
			return d, true, nil
		}
	}
	if d, err := time.Parse("2/1/2006", s); err == nil {
		return d, true, nil
	}
	return time.Time{}, false, errors.New("not a date (want YYYY-MM-DD or an ISO 8601 date-time)")
}

// isoDate reads "YYYY-MM-DD" of ASCII digits naming a real day, as time.Parse(time.DateOnly)
// does, without its generality; anything else is left to time.Parse.
func isoDate(s string) (time.Time, bool) {
	var v [8]int
	j := 0
	for i := 0; i < 10; i++ {
		c := s[i]
		if i == 4 || i == 7 {
			if c != '-' {
				return time.Time{}, false
			}
			continue
		}
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		v[j] = int(c - '0')
		j++
	}
	y := v[0]*1000 + v[1]*100 + v[2]*10 + v[3]
	m := time.Month(v[4]*10 + v[5])
	d := v[6]*10 + v[7]
	if m < 1 || m > 12 || d < 1 || d > daysIn(m, y) {
		return time.Time{}, false
	}
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC), true
}

func daysIn(m time.Month, y int) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// ---- JSON ----

// jsonGrant is the part of the standard's grant object this source reads.
type jsonGrant struct {
	ID               string          `json:"id"`
	Title            string          `json:"title"`
	Description      string          `json:"description"`
	Currency         string          `json:"currency"`
	AmountAwarded    json.RawMessage `json:"amountAwarded"`
	AmountAppliedFor json.RawMessage `json:"amountAppliedFor"`
	AmountDisbursed  json.RawMessage `json:"amountDisbursed"`
	AwardDate        string          `json:"awardDate"`
	PlannedDates     []struct {
		StartDate string          `json:"startDate"`
		EndDate   string          `json:"endDate"`
		Duration  json.RawMessage `json:"duration"`
	} `json:"plannedDates"`
	RecipientOrganization []struct {
		ID              string         `json:"id"`
		Name            string         `json:"name"`
		CharityNumber   jsonText       `json:"charityNumber"`
		CompanyNumber   jsonText       `json:"companyNumber"`
		AddressLocality string         `json:"addressLocality"`
		PostalCode      string         `json:"postalCode"`
		Location        []jsonLocation `json:"location"`
	} `json:"recipientOrganization"`
	RecipientIndividual *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"recipientIndividual"`
	BeneficiaryLocation []jsonLocation `json:"beneficiaryLocation"`
	FundingOrganization []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"fundingOrganization"`
	GrantProgramme []struct {
		Code  jsonText `json:"code"`
		Title string   `json:"title"`
	} `json:"grantProgramme"`
	LocationScope string   `json:"locationScope"`
	FromOpenCall  jsonText `json:"fromOpenCall"`
	DataSource    string   `json:"dataSource"`
	DateModified  string   `json:"dateModified"`
}

type jsonLocation struct {
	Name        string   `json:"name"`
	CountryCode string   `json:"countryCode"`
	GeoCode     jsonText `json:"geoCode"`
	GeoCodeType string   `json:"geoCodeType"`
}

// jsonText accepts a JSON string, number or boolean as text (publishers write charity numbers and
// codes both ways).
type jsonText string

func (t *jsonText) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*t = ""
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = jsonText(s)
	case b[0] == 't' || b[0] == 'f':
		if string(b) == "true" {
			*t = "Yes"
		} else {
			*t = "No"
		}
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		*t = jsonText(n.String())
	}
	return nil
}

// jsonNumber reads an amount given as a JSON number or a numeric string.
func jsonNumber(raw json.RawMessage) (*float64, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	text := string(raw)
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, err
		}
	}
	n, err := values.Parse(text)
	if err != nil {
		return nil, err
	}
	if !n.Valid {
		return nil, nil
	}
	return &n.Value, nil
}

// readJSON streams {"grants": [ … ]} with the Decoder's token API, decoding one grant at a time.
// Other top-level keys are skipped without being held in memory.
func readJSON(ctx context.Context, path, file string, fn func(string, int, *Grant) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("opening %s: %w", file, err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 256<<10)
	if head, err := br.Peek(3); err == nil && bytes.Equal(head, []byte("\ufeff")) {
		_, _ = br.Discard(3)
	}
	dec := json.NewDecoder(br)
	dec.UseNumber()
	bad := func(err error) error {
		return &sources.LayoutError{File: file, Expected: `{"grants": [...]}`, Detail: fmt.Sprintf("at byte %d: %v", dec.InputOffset(), err)}
	}
	tok, err := dec.Token()
	if err != nil {
		return bad(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return bad(fmt.Errorf("the file starts with %v, not an object", tok))
	}
	found := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return bad(err)
		}
		key, _ := tok.(string)
		if key != "grants" {
			if err := skipValue(dec); err != nil {
				return bad(err)
			}
			continue
		}
		found = true
		tok, err = dec.Token()
		if err != nil {
			return bad(err)
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return bad(errors.New(`"grants" is not an array`))
		}
		n := 0
		g := &Grant{}
		for dec.More() {
			if err := ctx.Err(); err != nil {
				return err
			}
			n++
			var jg jsonGrant
			if err := dec.Decode(&jg); err != nil {
				return fmt.Errorf("reading %s grant %d: %w", file, n, err)
			}
			if err := jg.toGrant(g); err != nil {
				return fmt.Errorf("reading %s grant %d (%s): %w", file, n, jg.ID, err)
			}
			if err := fn("", n, g); err != nil {
				return err
			}
		}
		if _, err := dec.Token(); err != nil {
			return bad(err)
		}
	}
	if !found {
		return &sources.LayoutError{File: file, Expected: `"grants"`, Detail: "the JSON object has no grants array"}
	}
	return nil
}

// skipValue reads and discards one JSON value token by token (bounded memory for large values).
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				depth++
			case '}', ']':
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

func (jg *jsonGrant) toGrant(g *Grant) error {
	*g = Grant{ID: strings.TrimSpace(jg.ID), Title: jg.Title, Description: jg.Description, Currency: jg.Currency,
		LocationScope: jg.LocationScope, FromOpenCall: string(jg.FromOpenCall), DataSource: jg.DataSource, LastModified: jg.DateModified}
	if g.ID == "" {
		return errors.New("a grant without an id")
	}
	var err error
	field := func(name string, f func() error) {
		if err == nil {
			if e := f(); e != nil {
				err = fmt.Errorf("%s: %w", name, e)
			}
		}
	}
	field("amountAwarded", func() (e error) { g.AmountAwarded, e = jsonNumber(jg.AmountAwarded); return })
	field("amountAppliedFor", func() (e error) { g.AmountAppliedFor, e = jsonNumber(jg.AmountAppliedFor); return })
	field("amountDisbursed", func() (e error) { g.AmountDisbursed, e = jsonNumber(jg.AmountDisbursed); return })
	field("awardDate", func() (e error) { g.AwardDate, e = parseDate(jg.AwardDate); return })
	if len(jg.PlannedDates) > 0 {
		p := jg.PlannedDates[0]
		field("plannedDates.startDate", func() (e error) { g.PlannedStart, e = parseDate(p.StartDate); return })
		field("plannedDates.endDate", func() (e error) { g.PlannedEnd, e = parseDate(p.EndDate); return })
		field("plannedDates.duration", func() (e error) { g.PlannedMonths, e = jsonNumber(p.Duration); return })
	}
	if err != nil {
		return err
	}
	if g.AmountAwarded == nil {
		return errors.New("amountAwarded: a grant without an amount awarded")
	}
	if len(jg.RecipientOrganization) > 0 {
		o := jg.RecipientOrganization[0]
		g.RecipientOrgID, g.RecipientOrgName = o.ID, o.Name
		g.RecipientOrgCharity, g.RecipientOrgCompany = string(o.CharityNumber), string(o.CompanyNumber)
		g.RecipientOrgCity, g.RecipientOrgPostalCode = o.AddressLocality, o.PostalCode
		g.RecipientOrgLocation, _ = pickLocation(jsonLocations(o.Location))
	}
	if r := jg.RecipientIndividual; r != nil {
		g.RecipientIndID, g.RecipientIndName = r.ID, r.Name
	}
	g.Beneficiary, g.BeneficiaryCount = pickLocation(jsonLocations(jg.BeneficiaryLocation))
	if len(jg.FundingOrganization) > 0 {
		g.FundingOrgID, g.FundingOrgName = jg.FundingOrganization[0].ID, jg.FundingOrganization[0].Name
	}
	if len(jg.GrantProgramme) > 0 {
		g.ProgrammeCode, g.ProgrammeTitle = string(jg.GrantProgramme[0].Code), jg.GrantProgramme[0].Title
	}
	return nil
}

func jsonLocations(in []jsonLocation) []Location {
	out := make([]Location, len(in))
	for i, l := range in {
		out[i] = Location{Code: strings.TrimSpace(string(l.GeoCode)), Type: strings.TrimSpace(l.GeoCodeType), Name: strings.TrimSpace(l.Name), Country: l.CountryCode}
	}
	return out
}
