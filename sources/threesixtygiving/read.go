package threesixtygiving

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cornerstone-data/cornerstone/internal/filetype"
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

// DetectFormat tells a JSON file (its first byte after a BOM and space is { or [) from a
// spreadsheet, with the detector the fetch layer and the workbook reader use (internal/filetype).
func DetectFormat(path string) (Format, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("opening %s: %w", path, err)
	}
	defer f.Close()
	head := make([]byte, filetype.HeadSize)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading %s: %w", path, err)
	}
	if filetype.Detect(head[:n]) == filetype.JSON {
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
