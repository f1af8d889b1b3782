package sheets

import (
	"errors"
	"math"
	"strconv"
	"testing"
)

func TestCellRef(t *testing.T) {
	for _, tc := range []struct {
		col, row int
		want     string
	}{{0, 1, "A1"}, {25, 7, "Z7"}, {26, 1, "AA1"}, {27, 12, "AB12"}, {701, 3, "ZZ3"}, {702, 1, "AAA1"}, {16383, 1048576, "XFD1048576"}, {3, 0, "D"}, {-1, 5, "?5"}} {
		if got := CellRef(tc.col, tc.row); got != tc.want {
			t.Errorf("CellRef(%d, %d) = %q, want %q", tc.col, tc.row, got, tc.want)
		}
		if tc.col >= 0 && tc.row > 0 {
			if col, ok := parseColRef(tc.want); !ok || col != tc.col {
				t.Errorf("parseColRef(%q) = %d, %v", tc.want, col, ok)
			}
		}
	}
}

func TestCellFloat(t *testing.T) {
	for _, tc := range []struct {
		c    Cell
		want float64
		ok   bool
	}{
		{N("35.037"), 35.037, true},
		{S(" 12 "), 12, true},
		{S("-3.5e2"), -350, true},
		{S(".5"), 0.5, true},
		{S("1,234"), 0, false},
		{S("£5"), 0, false},
		{S("x"), 0, false},
		{S("NaN"), 0, false},
		{S("Inf"), 0, false},
		{S("0x10"), 0, false},
		{S("1e"), 0, false},
		{S("."), 0, false},
		{D("2019-01-01"), 0, false},
		{B("TRUE"), 0, false},
		{blank, 0, false},
	} {
		got, ok := tc.c.Float()
		if got != tc.want || ok != tc.ok {
			t.Errorf("%v.Float() = %v, %v; want %v, %v", tc.c, got, ok, tc.want, tc.ok)
		}
	}
}

func TestNumberCell(t *testing.T) {
	for in, want := range map[string]string{
		"35.036999999999999": "35.037", "447863": "447863", "1E-05": "0.00001", "-0": "0",
		"5170505.3999999994": "5170505.399999999", "1e21": "1000000000000000000000", "0.1": "0.1",
	} {
		c, ok := parseNumberCell(in)
		if !ok || c != N(want) {
			t.Errorf("parseNumberCell(%q) = %v, %v; want %q", in, c, ok, want)
		}
	}
	for _, in := range []string{"NaN", "Inf", "-Inf", "", "1,2"} {
		if c, ok := parseNumberCell(in); ok {
			t.Errorf("parseNumberCell(%q) = %v, want failure", in, c)
		}
	}
	if _, ok := numberCell(math.NaN()); ok {
		t.Error("numberCell(NaN) succeeded")
	}
}

func TestDates(t *testing.T) {
	for in, want := range map[string]string{
		"2019-01-31": "2019-01-31", "2019-01-31T00:00:00": "2019-01-31", "2019-01-31T10:30:00": "2019-01-31T10:30:00",
		"2019-01-31T10:30:00.6": "2019-01-31T10:30:01", "2019-01-31T10:30:00Z": "2019-01-31T10:30:00",
		"2019-01-31T23:30:00-05:00": "2019-01-31T23:30:00", "2019-01-31T10:30": "2019-01-31T10:30:00",
	} {
		if got, ok := parseISODate(in); !ok || got != want {
			t.Errorf("parseISODate(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "2019-13-01", "31/01/2019", "2019-01-31T25:00:00"} {
		if got, ok := parseISODate(in); ok {
			t.Errorf("parseISODate(%q) = %q, want failure", in, got)
		}
	}
	for in, want := range map[string]string{
		"PT12H30M00S": "12:30:00", "PT36H": "36:00:00", "P1DT2H": "26:00:00", "-PT1H": "-01:00:00",
		"PT0.5S": "00:00:01", "PT59M59.6S": "01:00:00",
	} {
		if got, ok := parseISODuration(in); !ok || got != want {
			t.Errorf("parseISODuration(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "P", "PT", "12:30", "P1Y", "PTH", "PT1X", "PT99999999999999H"} {
		if got, ok := parseISODuration(in); ok {
			t.Errorf("parseISODuration(%q) = %q, want failure", in, got)
		}
	}
	for _, tc := range []struct {
		v     float64
		d1904 bool
		kind  numFmtKind
		want  string
	}{
		{43496, false, fmtDate, "2019-01-31"}, {1, false, fmtDate, "1900-01-01"}, {59, false, fmtDate, "1900-02-28"},
		{61, false, fmtDate, "1900-03-01"}, {43496.999999, false, fmtDate, "2019-02-01"},
		{43496.5, false, fmtDate, "2019-01-31T12:00:00"}, {0, true, fmtDate, "1904-01-01"},
		{0.75, false, fmtTime, "18:00:00"}, {2958465, false, fmtDate, "9999-12-31"},
	} {
		c, ok := serialCell(tc.v, tc.d1904, tc.kind)
		if !ok || c != D(tc.want) {
			t.Errorf("serialCell(%v, %v, %v) = %v, %v; want %q", tc.v, tc.d1904, tc.kind, c, ok, tc.want)
		}
	}
	for _, v := range []float64{-1, 2958466, math.NaN()} {
		if c, ok := serialCell(v, false, fmtDate); ok {
			t.Errorf("serialCell(%v) = %v, want failure", v, c)
		}
	}
	if c, ok := serialCell(1.5, false, fmtTime); ok {
		t.Errorf("time-only format on 1.5 = %v, want failure", c)
	}
}

func TestClassifyFormatCode(t *testing.T) {
	for code, want := range map[string]numFmtKind{
		"General": fmtNumber, "0.00": fmtNumber, "#,##0": fmtNumber, "0.00%": fmtNumber, "0.00E+00": fmtNumber,
		`#,##0.00_);[Red](#,##0.00)`: fmtNumber, `#,##0 "days"`: fmtNumber, `0.0\m`: fmtNumber, "@": fmtNumber,
		"[h]:mm:ss": fmtNumber, "[mm]:ss": fmtNumber,
		"dd/mm/yyyy": fmtDate, "d-mmm-yy": fmtDate, "mmm-yy": fmtDate, "[$-F800]dddd, mmmm dd, yyyy": fmtDate,
		"yyyy-mm-dd hh:mm:ss": fmtDate, `[$-409]d\-mmm\-yyyy;@`: fmtDate, "mmmm": fmtDate,
		"h:mm": fmtTime, "mm:ss": fmtTime, "h:mm AM/PM": fmtTime, "[$-409]h:mm:ss AM/PM": fmtTime, "hh": fmtTime,
		"0.00;[Red]dd/mm/yyyy": fmtNumber,
	} {
		if got := classifyFormatCode(code); got != want {
			t.Errorf("classifyFormatCode(%q) = %d, want %d", code, got, want)
		}
	}
	for id, want := range map[int]numFmtKind{0: fmtNumber, 14: fmtDate, 22: fmtDate, 18: fmtTime, 46: fmtNumber, 10: fmtNumber} {
		if got := builtinNumFmtKind(id); got != want {
			t.Errorf("builtinNumFmtKind(%d) = %d, want %d", id, got, want)
		}
	}
}

func TestCellError(t *testing.T) {
	err := &CellError{File: "file.ods", Sheet: "1a", Row: 7, Col: 3, Value: "4,256,45x", Err: strconv.ErrSyntax}
	if got, want := err.Error(), `file.ods sheet "1a" cell D7 ("4,256,45x"): invalid syntax`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !errors.Is(err, strconv.ErrSyntax) {
		t.Error("CellError does not unwrap")
	}
	var target *CellError
	if !errors.As(error(err), &target) || target.Col != 3 {
		t.Error("errors.As failed")
	}
	csvErr := &CellError{File: "a.csv", Row: 2, Col: 0}
	if got, want := csvErr.Error(), "a.csv cell A2: invalid value"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	for k := Empty; k <= Error; k++ {
		if k.String() == "" || k.String()[0] == 'K' {
			t.Errorf("Kind(%d).String() = %q", k, k.String())
		}
	}
}
