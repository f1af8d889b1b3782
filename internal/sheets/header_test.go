package sheets

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizeHeader(t *testing.T) {
	for in, want := range map[string]string{
		"Type of organisation\n(NPO/IPSO/Transfer)": "Type of organisation (NPO/IPSO/Transfer)",
		"  IMD - Average score  ":                   "IMD - Average score",
		"Museum\u00a0Name\t\r\n x":                  "Museum Name x",
		"\ufeffCode":                                "Code",
		"":                                          "",
		" \n ":                                      "",
		"Case Kept":                                 "Case Kept",
	} {
		if got := NormalizeHeader(in); got != want {
			t.Errorf("NormalizeHeader(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFindHeader(t *testing.T) {
	data := []byte("Table 1a,,\nSome notes\n\nMuseum Name ,Museum Group,\"January\n2019\",Coverage\nBritish Museum,British Museum,447863,Museum group\n")
	wb, err := openBytes("visits.csv", data)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := wb.Rows("")
	if err != nil {
		t.Fatal(err)
	}
	n, header, err := FindHeader(rows, 10, "Museum Name", "January 2019", " Coverage")
	if err != nil {
		t.Fatal(err)
	}
	if n != 4 || len(header) != 4 || header[2].Value != "January\n2019" {
		t.Errorf("got row %d %v", n, header)
	}
	if !rows.Next() || rows.Row()[0].Value != "British Museum" || rows.Number() != 6 {
		t.Errorf("after the header: row %d %v", rows.Number(), rows.Row())
	}
	rows.Close()

	for _, tc := range []struct {
		maxRows int
		want    []string
		msg     []string
	}{
		{10, []string{"Museum Name", "museum group"}, []string{`"museum group"`, "closest is row 4", `visits.csv`}},
		{2, []string{"Museum Name"}, []string{"first 2 rows", "closest is row 1"}},
		{0, []string{"Museum"}, []string{"any row"}},
	} {
		rows, _ := wb.Rows("")
		_, _, err := FindHeader(rows, tc.maxRows, tc.want...)
		rows.Close()
		if !errors.Is(err, ErrHeaderNotFound) {
			t.Errorf("%q: error %v, want ErrHeaderNotFound", tc.want, err)
			continue
		}
		for _, m := range tc.msg {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("error %q lacks %q", err, m)
			}
		}
	}

	rows, _ = wb.Rows("")
	_, _, err = FindHeader(rows, 10, "Museum Name", "Museum Type", "Coverage", "Region")
	rows.Close()
	var he *HeaderError
	if !errors.As(err, &he) {
		t.Fatalf("error %v, want a *HeaderError", err)
	}
	if he.File != "visits.csv" || he.Sheet != "" || he.Row != 4 || he.Found() != 2 || he.MaxRows != 10 ||
		strings.Join(he.Missing, "|") != "Museum Type|Region" ||
		strings.Join(he.Present, "|") != "Museum Name|Museum Group|January 2019|Coverage" {
		t.Errorf("HeaderError %+v", he)
	}

	empty, _ := openBytes("empty.csv", nil)
	rows, _ = empty.Rows("")
	_, _, err = FindHeader(rows, 10, "a", "b")
	rows.Close()
	if !errors.As(err, &he) || he.Row != 0 || he.Found() != 0 || !strings.Contains(err.Error(), "empty.csv: header row not found: the sheet has no rows") {
		t.Errorf("empty sheet: %v %+v", err, he)
	}

	bad, _ := openBytes("bad.csv", []byte("a,b\"c\n"))
	rows, _ = bad.Rows("")
	if _, _, err := FindHeader(rows, 5, "a"); !errors.Is(err, ErrCorrupt) {
		t.Errorf("corrupt: error %v, want ErrCorrupt", err)
	}
}
