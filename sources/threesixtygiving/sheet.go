package threesixtygiving

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/values"
)

// Flattened spreadsheets (CSV, XLSX, ODS, XLS): column titles as GrantNav exports them.

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
