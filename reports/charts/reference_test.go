package charts

import (
	"bytes"
	"os"
	"testing"
)

// TestBarReferencesAndValueLabels: a compared-with bar chart writes each bar's value and a
// labelled line for each reference (peer median, England).
func TestBarReferencesAndValueLabels(t *testing.T) {
	c := &Chart{
		ID: "compare-test", Title: "Net library spend per head, 2023-24", Kind: Bars, Unit: "£ per resident",
		Categories:  []string{"Barnsley", "Sheffield", "Bristol"},
		Series:      []Series{{Name: "2023-24", Values: []float64{13.87, 16.2, 9.5}, Highlight: map[int]bool{0: true}}},
		References:  []Reference{{"Peer median", 13.1}, {"England", 14.25}},
		ValueLabels: true,
		Citation:    Citation{Sources: []Source{{Publisher: "MHCLG", Dataset: "Revenue outturn RO5", Licence: "Open Government Licence v3.0"}}},
	}
	svg, png, err := Draw(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"£13.87", "£16.20", "£9.50", "Peer median £13.10", "England £14.25"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if p := os.Getenv("CHART_PNG"); p != "" {
		os.WriteFile(p, png, 0o644)
	}
}
