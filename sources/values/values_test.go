package values

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in      string
		v       float64
		valid   bool
		reason  string
		revised bool
		note    string
	}{
		{"98180", 98180, true, "", false, ""},
		{"£217,000", 217000, true, "", false, ""},
		{"4,256,452 [r]", 4256452, true, "", true, ""},
		{"3643655.64", 3643655.64, true, "", false, ""},
		{"-12.5", -12.5, true, "", false, ""},
		{"(1,234)", -1234, true, "", false, ""},
		{"45.9%", 45.9, true, "percent", false, ""},
		{"1.2E+05", 120000, true, "", false, ""},
		{"[x]", 0, false, "not available [x]", false, ""},
		{"x", 0, false, "not available [x]", false, ""},
		{"[c]", 0, false, "confidential [c]", false, ""},
		{"..", 0, false, "unknown (..)", false, ""},
		{"-", 0, false, "nil or not reported (-)", false, ""},
		{"#N/A", 0, false, "error cell #N/A", false, ""},
		{"", 0, false, "blank", false, ""},
		{"  ", 0, false, "blank", false, ""},
		{"12 [note 3]", 12, true, "", false, "[note 3]"},
	} {
		n, err := Parse(c.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", c.in, err)
			continue
		}
		if n.Value != c.v || n.Valid != c.valid || n.Reason != c.reason || n.Revised != c.revised || n.Note != c.note {
			t.Errorf("Parse(%q) = %+v", c.in, n)
		}
	}
	for _, bad := range []string{"abc", "12a", "1,2,3", "--5", ".", "£", "1e999"} {
		if _, err := Parse(bad); !errors.Is(err, ErrNotNumber) {
			t.Errorf("Parse(%q) err = %v, want ErrNotNumber", bad, err)
		}
	}
}

func TestInt(t *testing.T) {
	if v, ok, err := Int("635,270"); v != 635270 || !ok || err != nil {
		t.Fatal(v, ok, err)
	}
	if _, _, err := Int("1.5"); !errors.Is(err, ErrNotNumber) {
		t.Fatal(err)
	}
	if _, ok, err := Int("[x]"); ok || err != nil {
		t.Fatal(ok, err)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"98180", "£217,000", "4,256,452 [r]", "(1,234)", "[x]", "12 [note 3]", "45.9%", "-£5"} {
		f.Add(s)
	}
	for _, s := range []string{"-0", ".5", "+7", "5.", "1e5", "0012.50", "99999999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err == nil && n.Valid && (n.Value != n.Value) {
			t.Fatalf("NaN from %q", s)
		}
		checkFastPath(t, s)
	})
}

// checkFastPath fails when Parse's plain-decimal shortcut disagrees with the general path.
func checkFastPath(t *testing.T, s string) {
	t.Helper()
	v, ok := plainDecimal(s)
	if !ok {
		return
	}
	n, err := parseGeneral(s)
	if err != nil || n != (Number{Value: v, Valid: true}) || math.Signbit(v) != math.Signbit(n.Value) {
		t.Fatalf("%q: shortcut %v, general %+v %v", s, v, n, err)
	}
}

// TestPlainDecimalAgrees compares the shortcut with the general path on plain decimals and
// near-misses (spaces, grouping, exponents, markers, signs alone).
func TestPlainDecimalAgrees(t *testing.T) {
	cases := []string{"0", "-0", "+0", "1", "12", "123456789", "1.5", "-1.5", "+1.5", ".5", "-.5", "5.", ".", "-", "+",
		"", " 5", "5 ", "1,234", "1e5", "1E+05", "5%", "(5)", "£5", "1.2.3", "0012.50", "99999999999999999999999",
		"1" + strings.Repeat("0", 400), "0." + strings.Repeat("0", 400) + "1", "--5", "+-5", "5-", "\u00a05", "٣"}
	fast := 0
	for _, c := range cases {
		if _, ok := plainDecimal(c); ok {
			fast++
		}
		checkFastPath(t, c)
		a, errA := Parse(c)
		b, errB := parseGeneral(c)
		if a != b || (errA == nil) != (errB == nil) || (errA != nil && errA.Error() != errB.Error()) {
			t.Errorf("%q: Parse %+v %v, general %+v %v", c, a, errA, b, errB)
		}
	}
	if fast < 12 {
		t.Errorf("only %d cases took the shortcut", fast)
	}
}
