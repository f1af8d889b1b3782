package demo

import (
	"encoding/json"
	"os"
	"testing"
)

func TestNationalAreas(t *testing.T) {
	areas := NationalAreas()
	codes, regs := map[string]bool{}, map[string]bool{}
	current := map[string]int{}
	for _, a := range areas {
		if codes[a.Code] || regs[a.Register] {
			t.Fatalf("duplicate area %+v", a)
		}
		codes[a.Code], regs[a.Register] = true, true
		if a.Current() {
			current[a.Type]++
		}
	}
	if n := current["UA"] + current["NMD"] + current["MD"] + current["LBO"] + current["CTY"]; n < 300 {
		t.Errorf("%d current councils, want about 317: %v", n, current)
	}
}

func TestNationalGrantsCSVCached(t *testing.T) {
	dir := t.TempDir()
	p1, tag1, err := NationalGrantsCSV(dir, NationalAreas(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(p1)
	p2, tag2, err := NationalGrantsCSV(dir, NationalAreas(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	st2, _ := os.Stat(p2)
	if p1 != p2 || tag1 != tag2 || !st.ModTime().Equal(st2.ModTime()) || st.Size() < 100_000 {
		t.Errorf("not reused: %s %s %s %s size %d", p1, p2, tag1, tag2, st.Size())
	}
}

func TestNationalGrantsJSONLoadsAsGrants(t *testing.T) {
	p, err := NationalGrantsJSON(t.TempDir(), NationalAreas(), 200_000)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Grants []map[string]any `json:"grants"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	if len(b) < 200_000 || len(pkg.Grants) < 100 || pkg.Grants[0]["id"] == "" {
		t.Errorf("%d bytes, %d grants", len(b), len(pkg.Grants))
	}
}
