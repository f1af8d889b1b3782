package sheets

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Kind is the type of a cell's value.
type Kind int

// The kinds of cell value. The zero Cell is Empty.
const (
	Empty Kind = iota
	String
	Number
	Bool
	Date
	Error
)

// String returns the kind's name, such as "Number".
func (k Kind) String() string {
	switch k {
	case Empty:
		return "Empty"
	case String:
		return "String"
	case Number:
		return "Number"
	case Bool:
		return "Bool"
	case Date:
		return "Date"
	case Error:
		return "Error"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Cell is one cell's value in a canonical text form that does not depend on
// the file format or on the cell's display format:
//
//   - Empty: Value is "". Any cell whose text would be "" is Empty.
//   - String: the text as displayed. ODS paragraphs are joined with "\n",
//     text:s, text:tab and text:line-break are honoured; XLSX _xHHHH_
//     escapes are decoded; CSV fields are returned as they are, with invalid
//     UTF-8 replaced by U+FFFD. Every CSV field is a String. In every
//     format, byte order marks (U+FEFF) at the start of a text are dropped.
//   - Number: the stored float64 (never the display-rounded text) written as
//     the shortest decimal that round-trips (strconv 'f', -1): a stored
//     35.036999999999999 reads "35.037", a percentage 12.5% reads "0.125".
//   - Bool: "TRUE" or "FALSE".
//   - Date: "2006-01-02", or "2006-01-02T15:04:05" when the value has a time
//     of day; a time without a date (ODS time cells, XLSX/XLS cells with a
//     time-only number format) reads "15:04:05", with hours beyond 23 for
//     durations.
//   - Error: the error text, such as "#N/A" or "#REF!".
type Cell struct {
	Kind  Kind
	Value string
}

// Float returns the cell's value as a float64. It succeeds for Number cells
// and for String cells whose text, trimmed of spaces, is a plain decimal
// number such as "12", "-3.5" or "1e6" (what a CSV holds); it fails for
// anything else, including "1,234", "£5", "x", "NaN" and "Inf".
func (c Cell) Float() (float64, bool) {
	switch c.Kind {
	case Number:
		f, err := strconv.ParseFloat(c.Value, 64)
		return f, err == nil
	case String:
		s := strings.TrimSpace(c.Value)
		if !isPlainDecimal(s) {
			return 0, false
		}
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil
	}
	return 0, false
}

// isPlainDecimal reports whether s is [+-]digits[.digits][(e|E)[+-]digits]
// with at least one digit in the mantissa.
func isPlainDecimal(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return false
		}
	}
	return i == len(s)
}

// CellRef returns the A1-style reference of a 0-based column and 1-based
// row: CellRef(0, 1) is "A1", CellRef(27, 12) is "AB12". A negative column
// is written "?" and a row below 1 is left out.
func CellRef(col int, row int) string {
	var b [24]byte
	i := len(b)
	if row > 0 {
		for n := row; n > 0; n /= 10 {
			i--
			b[i] = byte('0' + n%10)
		}
	}
	if col < 0 {
		i--
		b[i] = '?'
		return string(b[i:])
	}
	for n := col + 1; n > 0; n = (n - 1) / 26 {
		i--
		b[i] = byte('A' + (n-1)%26)
	}
	return string(b[i:])
}

// numberCell returns the Number cell of f, or ok false for NaN and
// infinities, which no spreadsheet stores as a number.
func numberCell(f float64) (Cell, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return Cell{}, false
	}
	if f == 0 {
		return Cell{Kind: Number, Value: "0"}, true // also -0
	}
	return Cell{Kind: Number, Value: strconv.FormatFloat(f, 'f', -1, 64)}, true
}

// parseNumberCell parses a stored decimal (an ODS office:value, an XLSX <v>)
// into a Number cell.
func parseNumberCell(s string) (Cell, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return Cell{}, false
	}
	return numberCell(f)
}

// textCell returns a String cell, or the Empty cell for "".
func textCell(s string) Cell {
	s = stripBOM(s)
	if s == "" {
		return Cell{}
	}
	return Cell{Kind: String, Value: s}
}

// stripBOM drops byte order marks (U+FEFF) at the start of a text: files
// joined end to end, or a cell pasted from one, carry them mid-file.
func stripBOM(s string) string {
	for strings.HasPrefix(s, "\uFEFF") {
		s = s[len("\uFEFF"):]
	}
	return s
}

// formatDateTime writes t as "2006-01-02", or "2006-01-02T15:04:05" when it
// has a time of day.
func formatDateTime(t time.Time) string {
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format(time.DateOnly)
	}
	return t.Format("2006-01-02T15:04:05")
}

// formatClock writes a number of seconds as "15:04:05"; hours may exceed 23.
func formatClock(secs int64) string {
	neg := secs < 0
	if neg {
		secs = -secs
	}
	h, m, s := secs/3600, secs/60%60, secs%60
	out := make([]byte, 0, 10)
	if neg {
		out = append(out, '-')
	}
	if h < 10 {
		out = append(out, '0')
	}
	out = strconv.AppendInt(out, h, 10)
	out = append(out, ':', byte('0'+m/10), byte('0'+m%10), ':', byte('0'+s/10), byte('0'+s%10))
	return string(out)
}

// parseISODate parses an ISO 8601 date or date-time as ODS office:date-value
// and XLSX t="d" cells store it ("2019-01-31", "2019-01-31T10:30:00",
// optionally with fractional seconds and a zone, which is ignored: the wall
// clock is kept) and returns it in the canonical Date form.
func parseISODate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) == 10 {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return "", false
		}
		return t.Format(time.DateOnly), true
	}
	for _, layout := range [...]string{"2006-01-02T15:04:05.999999999Z07:00", "2006-01-02T15:04:05.999999999", "2006-01-02T15:04Z07:00", "2006-01-02T15:04"} {
		t, err := time.Parse(layout, s)
		if err == nil {
			t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
			return formatDateTime(t.Round(time.Second)), true
		}
	}
	return "", false
}

// Excel serial dates: day 1 is 1900-01-01 in the 1900 date system (which
// counts the non-existent 1900-02-29 as day 60) and day 0 is 1904-01-01 in
// the 1904 system. 2958465 is 9999-12-31.
var (
	excelEpoch1900 = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	excelEpoch1904 = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
)

const maxExcelSerial = 2958466

// serialCell converts an Excel serial number shown with a date or time
// number format into a Date cell; ok is false when the value is no valid
// date (negative, beyond 9999, a time-only format on a value of a day or
// more), in which case the caller keeps the Number.
func serialCell(v float64, date1904 bool, kind numFmtKind) (Cell, bool) {
	if math.IsNaN(v) || v < 0 || v >= maxExcelSerial {
		return Cell{}, false
	}
	days := math.Floor(v)
	secs := int64(math.Round((v - days) * 86400))
	if secs >= 86400 {
		days++
		secs -= 86400
	}
	switch kind {
	case fmtTime:
		if days != 0 {
			return Cell{}, false
		}
		return Cell{Kind: Date, Value: formatClock(secs)}, true
	case fmtDate:
		base := excelEpoch1904
		if !date1904 {
			base = excelEpoch1900
			if days < 60 {
				days++ // before the phantom 1900-02-29
			}
		}
		t := base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second)
		return Cell{Kind: Date, Value: formatDateTime(t)}, true
	}
	return Cell{}, false
}
