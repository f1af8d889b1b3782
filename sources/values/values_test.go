package values

import (
	"errors"
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
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err == nil && n.Valid && (n.Value != n.Value) {
			t.Fatalf("NaN from %q", s)
		}
	})
}
