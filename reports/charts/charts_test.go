package charts

import (
	"bytes"
	"encoding/csv"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the SVG golden files")

func sample() *Chart {
	return &Chart{
		ID: "population-trend-e06000065", Title: "North Yorkshire's population grew 4.8% from 2019 to 2024",
		Subtitle: "Resident population, mid-year estimates", Kind: Line, XLabel: "Mid-year", YLabel: "People", Unit: "people",
		Categories: []string{"2019", "2020", "2021", "2022", "2023", "2024"},
		Series:     []Series{{Name: "North Yorkshire", Values: []float64{606000, 609100, math.NaN(), 618500, 627000, 635270}}},
		Citation: Citation{BuildID: "1a2b3c4d", Sources: []Source{{Publisher: "Office for National Statistics",
			Dataset: "Mid-year population estimates", Release: "mid-2024", Retrieved: "2026-11-23", Licence: "Open Government Licence v3.0"}}},
		Demo: true,
	}
}

func TestRenderWritesCitedFiles(t *testing.T) {
	dir := t.TempDir()
	c := sample()
	f, err := Render(c, Dir(dir), true)
	if err != nil {
		t.Fatal(err)
	}
	svg, _ := os.ReadFile(filepath.Join(dir, f.SVG))
	for _, want := range []string{"Office for National Statistics", "Open Government Licence v3.0", "1a2b3c4d", "DEMO DATA", "<title>", "<desc>"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	png, _ := os.ReadFile(filepath.Join(dir, f.PNG))
	if !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Error("PNG is not a PNG")
	}
	// The CSV holds exactly the plotted numbers.
	rows, err := csv.NewReader(bytes.NewReader(mustRead(t, filepath.Join(dir, f.CSV)))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(c.Categories) {
		t.Fatalf("%d CSV rows", len(rows))
	}
	for i, r := range rows[1:] {
		want := c.Series[0].Values[i]
		if math.IsNaN(want) {
			if r[3] != "" {
				t.Errorf("row %d: missing value written as %q", i, r[3])
			}
			continue
		}
		got, err := strconv.ParseFloat(r[3], 64)
		if err != nil || got != want {
			t.Errorf("row %d: %q, want %v", i, r[3], want)
		}
		if !strings.Contains(r[5], "Office for National Statistics") {
			t.Errorf("row %d lacks the citation", i)
		}
	}
}

// Without a PNG, Render writes the SVG and CSV only, and its inline SVG is the file's from the
// <svg> element on, with text escaped so that it cannot break out into the page.
func TestRenderWithoutPNGInline(t *testing.T) {
	dir := t.TempDir()
	c := sample()
	c.Title = `Bad </svg><script>alert(1)</script> & "quoted"`
	f, err := Render(c, Dir(dir), false)
	if err != nil {
		t.Fatal(err)
	}
	if f.PNG != "" {
		t.Errorf("PNG path %q without a PNG asked for", f.PNG)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(names) != 2 {
		t.Errorf("wrote %v, want the SVG and the CSV", names)
	}
	svg := mustRead(t, filepath.Join(dir, f.SVG))
	if !bytes.HasSuffix(svg, f.Inline) || !bytes.HasPrefix(f.Inline, []byte("<svg role=\"img\"")) {
		t.Errorf("inline SVG is not the file's <svg> element: %.80q", f.Inline)
	}
	for _, bad := range []string{"<script", "</svg><", "<?xml"} {
		if bytes.Contains(f.Inline, []byte(bad)) {
			t.Errorf("inline SVG holds %q", bad)
		}
	}
	if bytes.Contains(svg, []byte("font-family:Liberation Sans;")) || !bytes.Contains(svg, []byte(fontFamily)) {
		t.Error("SVG text names no fallback fonts")
	}
	svgOnly, err := DrawSVG(c)
	if err != nil {
		t.Fatal(err)
	}
	withPNG, _, _ := Draw(c)
	if !bytes.Equal(svgOnly, withPNG) {
		t.Error("DrawSVG and Draw give different SVGs")
	}
}

func TestDrawIsDeterministicAndMatchesGolden(t *testing.T) {
	svg1, png1, err := Draw(sample())
	if err != nil {
		t.Fatal(err)
	}
	svg2, png2, _ := Draw(sample())
	if !bytes.Equal(svg1, svg2) || !bytes.Equal(png1, png2) {
		t.Fatal("two draws of the same chart differ")
	}
	golden := filepath.Join("testdata", "population-trend.svg")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, svg1, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./reports/charts -update to create it)", err)
	}
	if !bytes.Equal(svg1, want) {
		t.Fatal("SVG differs from testdata/population-trend.svg; if the change is intended, run with -update and review the diff")
	}
}

func TestBarsAndAltText(t *testing.T) {
	c := &Chart{ID: "peers", Title: "Spend per head among peers", Kind: Bars, Unit: "£",
		Categories: []string{"A", "B", "C"}, Series: []Series{{Name: "spend", Values: []float64{12.5, 30, 7}, Highlight: map[int]bool{1: true}}},
		Citation: Citation{Sources: []Source{{Publisher: "MHCLG", Dataset: "RO5"}}}}
	if _, _, err := Draw(c); err != nil {
		t.Fatal(err)
	}
	alt := c.AltText()
	for _, want := range []string{"Highest: B, £30", "Lowest: C, £7", "Highlighted: B"} {
		if !strings.Contains(alt, want) {
			t.Errorf("alt text %q lacks %q", alt, want)
		}
	}
}

func TestNeutraliseAndFormat(t *testing.T) {
	for in, want := range map[string]string{"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "@SUM(A1)": "'@SUM(A1)", "-12.5": "-12.5", "+cmd": "'+cmd", "Bristol": "Bristol"} {
		if got := Neutralise(in); got != want {
			t.Errorf("Neutralise(%q) = %q", in, got)
		}
	}
	for _, c := range []struct {
		v    float64
		unit string
		want string
	}{{635270, "people", "635,270"}, {12.5, "£", "£12.50"}, {-1500, "£", "−£1,500"}, {45.91, "%", "45.9%"}} {
		if got := FormatValue(c.v, c.unit); got != c.want {
			t.Errorf("FormatValue(%v, %q) = %q, want %q", c.v, c.unit, got, c.want)
		}
	}
}

func mustRead(t *testing.T, p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
