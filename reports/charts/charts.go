// Package charts draws Cornerstone's charts with gonum/plot: trend lines, comparison bars and
// breakdowns, each written as SVG (and PNG when asked for) with its citation drawn under the plot,
// the CSV of the numbers behind it, and generated alt text. Colours come from the Okabe-Ito palette, which stays
// distinguishable with every common colour-vision deficiency; spend is never coloured good or bad.
//
// Rendering is deterministic: the same Chart gives byte-identical files.
package charts

import (
	"fmt"
	"github.com/cornerstone-data/cornerstone/reports/format"
	"image/color"
	"regexp"
	"strings"
)

// Kind is the chart type.
type Kind int

// Chart kinds.
const (
	// Line draws one line per series over the categories (usually years).
	Line Kind = iota
	// Bars draws one horizontal bar per category for the first series (peer comparisons); a
	// series point with Highlight set is drawn in the highlight colour.
	Bars
	// Breakdown draws one horizontal bar per category showing shares of a total (funding sources).
	Breakdown
)

func (k Kind) String() string {
	switch k {
	case Line:
		return "line chart"
	case Bars:
		return "bar chart"
	case Breakdown:
		return "breakdown bar chart"
	}
	return "chart"
}

// Series is one named series of values aligned with Chart.Categories; NaN marks a missing value.
type Series struct {
	Name   string
	Values []float64
	// Highlight marks categories to draw in the highlight colour (Bars), by index.
	Highlight map[int]bool
	// Dashed draws the line dashed (comparators such as a peer median).
	Dashed bool
}

// Source is one dataset a chart's numbers come from.
type Source struct {
	Publisher string
	Dataset   string
	Release   string
	Retrieved string // YYYY-MM-DD
	Licence   string
	URL       string
}

// String renders "Publisher, Dataset, Release (retrieved YYYY-MM-DD), Licence".
func (s Source) String() string {
	parts := []string{s.Publisher, s.Dataset}
	if s.Release != "" {
		parts = append(parts, s.Release)
	}
	out := strings.Join(nonEmpty(parts), ", ")
	if s.Retrieved != "" {
		out += " (retrieved " + s.Retrieved + ")"
	}
	if s.Licence != "" {
		out += ", " + s.Licence
	}
	return out
}

// Citation is what every chart carries: its sources and the Cornerstone build that drew it.
type Citation struct {
	Sources []Source
	BuildID string
}

// String renders the one-line citation printed under the chart and in its CSV.
func (c Citation) String() string {
	var parts []string
	for _, s := range c.Sources {
		parts = append(parts, s.String())
	}
	out := "Source: " + strings.Join(parts, "; ") + "."
	if c.BuildID != "" {
		out += " Cornerstone build " + c.BuildID + "."
	}
	return out
}

// Chart is one chart.
type Chart struct {
	// ID is stable across builds and safe as a file name, e.g. "population-trend-E06000065".
	ID string
	// Title states the finding ("North Yorkshire's population grew 5% since 2011").
	Title string
	// Subtitle says what is measured ("Resident population, mid-year estimates").
	Subtitle   string
	Kind       Kind
	XLabel     string
	YLabel     string
	Unit       string // "people", "£", "£ per head", "%"
	Categories []string
	Series     []Series
	Citation   Citation
	// Notes are caveats printed under the citation.
	Notes []string
	// Demo stamps "DEMO DATA - synthetic figures" on the chart.
	Demo bool
	// References are comparator values drawn across the plot as labelled lines: on a bar chart a
	// vertical line at each value (the peer median, England), on a line chart a horizontal one.
	References []Reference
	// ValueLabels writes each bar's value at its end (Bars and Breakdown).
	ValueLabels bool
}

// Reference is one labelled comparator line, e.g. {"England", 31.2} or {"Peer median", 28.9}.
type Reference struct {
	Label string
	Value float64
}

var idRe = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,150}$`)

// Validate checks the chart can be drawn and written.
func (c *Chart) Validate() error {
	if !idRe.MatchString(c.ID) {
		return fmt.Errorf("chart id %q: want lower-case letters, digits, '.', '_' or '-'", c.ID)
	}
	if c.Title == "" {
		return fmt.Errorf("chart %s: no title", c.ID)
	}
	if len(c.Series) == 0 || len(c.Categories) == 0 {
		return fmt.Errorf("chart %s: no data", c.ID)
	}
	for _, s := range c.Series {
		if len(s.Values) != len(c.Categories) {
			return fmt.Errorf("chart %s: series %q has %d values for %d categories", c.ID, s.Name, len(s.Values), len(c.Categories))
		}
	}
	if len(c.Citation.Sources) == 0 {
		return fmt.Errorf("chart %s: no citation", c.ID)
	}
	return nil
}

// Okabe-Ito colours (Okabe and Ito, 2008), in the order series use them.
var Palette = []color.NRGBA{
	{0x00, 0x72, 0xB2, 0xff}, // blue
	{0xE6, 0x9F, 0x00, 0xff}, // orange
	{0x00, 0x9E, 0x73, 0xff}, // bluish green
	{0xCC, 0x79, 0xA7, 0xff}, // reddish purple
	{0x56, 0xB4, 0xE9, 0xff}, // sky blue
	{0xD5, 0x5E, 0x00, 0xff}, // vermillion
	{0xF0, 0xE4, 0x42, 0xff}, // yellow
	{0x00, 0x00, 0x00, 0xff}, // black
}

// ReferenceColours draw reference lines (peer median, England), in order: both at least 3:1
// against white.
var ReferenceColours = []color.NRGBA{
	{0x00, 0x00, 0x00, 0xff}, // black
	{0xA3, 0x4A, 0x00, 0xff}, // dark vermillion
}

// Neutral is the colour of context bars (other councils); Highlight marks the council in focus.
var (
	Neutral   = color.NRGBA{0x9a, 0x9a, 0x9a, 0xff}
	Highlight = Palette[0]
)

func nonEmpty(xs []string) []string {
	var out []string
	for _, x := range xs {
		if strings.TrimSpace(x) != "" {
			out = append(out, x)
		}
	}
	return out
}

// FormatValue renders a number for people with its unit, through reports/format (thousands
// separators, "£8.30", "−£1.41", "45.9%", "2,345 visits per 1,000 residents").
func FormatValue(v float64, unit string) string { return format.WithUnit(v, unit) }
