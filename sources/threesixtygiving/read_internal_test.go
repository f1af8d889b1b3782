package threesixtygiving

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// laCases are GSS codes, geoCodeTypes and near-misses for the hand-written local-authority tests.
var laCases = []string{"E06000001", "E07000026", "E08000021", "E09000007", "E10000002", "W06000015", "S12000033",
	"N09000003", "E05000001", "E11000001", "E12000001", "W05000001", "E0600000", "E060000012", "e06000003",
	"E06000004x", "E06٠٠٠٠٠1", " E06000001", "E06000001 ", "E06000001\n", "", "UA", "ua", " Ua ", "NMD", "nmd", "MD",
	"LONB", "Lonb", "CTY", "LAD", "lad", "LBO", "RGN", "WD", "UA?", "ıua", "uA", "LONBX", "U", "ｕａ", "ŁAD"}

func TestLATestsMatchTheOriginals(t *testing.T) {
	for _, c := range laCases {
		checkLA(t, c)
	}
}

func FuzzLATests(f *testing.F) {
	for _, c := range laCases {
		f.Add(c)
	}
	f.Fuzz(checkLA)
}

func checkLA(t *testing.T, s string) {
	if got, want := isLACode(s), laCodeRe.MatchString(s); got != want {
		t.Errorf("isLACode(%q) = %v, laCodeRe says %v", s, got, want)
	}
	if got, want := isLAType(s), laTypes[strings.ToUpper(strings.TrimSpace(s))]; got != want {
		t.Errorf("isLAType(%q) = %v, laTypes says %v", s, got, want)
	}
}

// dateCases are dates and near-misses for the hand-written ISO date reader.
var dateCases = []string{"2024-04-02", "2024-02-29", "2023-02-29", "2024-02-30", "2024-13-01", "2024-00-10", "2024-01-00",
	"2024-12-31", "2024-11-31", "0000-01-01", "9999-12-31", "1900-02-29", "2000-02-29", "2024-4-02", "2024/04/02",
	"2024-04-0x", "+024-04-02", "-024-04-02", "2024-04-02T09:30:00+01:00", "2024-04-02 00:00:00", "2024-04-02x",
	"02/04/2024", "2/4/2024", "31/31/2020", " 2024-04-02 ", "", "yesterday", "2024-04-02T", "２０２４-04-02"}

func TestISODateMatchesTimeParse(t *testing.T) {
	for _, c := range dateCases {
		checkDate(t, c)
	}
}

func FuzzISODate(f *testing.F) {
	for _, c := range dateCases {
		f.Add(c)
	}
	f.Fuzz(checkDate)
}

// checkDate compares isoDate with time.Parse(time.DateOnly) on the first ten bytes, and
// parseDateValue with the reader's original rule.
func checkDate(t *testing.T, s string) {
	if len(s) >= 10 {
		d, ok := isoDate(s[:10])
		want, err := time.Parse(time.DateOnly, s[:10])
		if ok && (err != nil || !d.Equal(want) || d.Location() != want.Location()) {
			t.Errorf("isoDate(%q) = %v, time.Parse: %v %v", s[:10], d, want, err)
		}
	}
	got, ok, err := parseDateValue(s)
	want, werr := originalParseDate(s)
	if (err == nil) != (werr == nil) || ok != (want != nil) || (ok && !got.Equal(*want)) {
		t.Errorf("parseDateValue(%q) = %v %v %v, original %v %v", s, got, ok, err, want, werr)
	}
}

// originalParseDate is parseDate before the ISO shortcut.
func originalParseDate(s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if len(s) >= 10 {
		if d, err := time.Parse(time.DateOnly, s[:10]); err == nil && (len(s) == 10 || s[10] == 'T' || s[10] == ' ') {
			return &d, nil
		}
	}
	if d, err := time.Parse("2/1/2006", s); err == nil {
		return &d, nil
	}
	return nil, errRecorded
}

var errRecorded = errors.New("not a date")
