package charts

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// AltText describes the chart for screen readers from its data: what it shows, the range, and
// first and last values of each series (lines) or the highest and lowest (bars). It never states
// anything the data does not.
func (c *Chart) AltText() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s.", capitalise(c.Kind.String()), strings.TrimSuffix(c.Title, "."))
	if c.Subtitle != "" {
		fmt.Fprintf(&b, " %s.", strings.TrimSuffix(c.Subtitle, "."))
	}
	switch c.Kind {
	case Line:
		fmt.Fprintf(&b, " %s from %s to %s.", orDefault(c.XLabel, "Categories"), c.Categories[0], c.Categories[len(c.Categories)-1])
		for _, s := range c.Series {
			first, last := -1, -1
			for i, v := range s.Values {
				if !math.IsNaN(v) {
					if first < 0 {
						first = i
					}
					last = i
				}
			}
			if first < 0 {
				fmt.Fprintf(&b, " %s: no data.", s.Name)
				continue
			}
			fmt.Fprintf(&b, " %s: %s in %s, %s in %s.", s.Name, FormatValue(s.Values[first], c.Unit), c.Categories[first],
				FormatValue(s.Values[last], c.Unit), c.Categories[last])
		}
	default:
		s := c.Series[0]
		hi, lo := -1, -1
		for i, v := range s.Values {
			if math.IsNaN(v) {
				continue
			}
			if hi < 0 || v > s.Values[hi] {
				hi = i
			}
			if lo < 0 || v < s.Values[lo] {
				lo = i
			}
		}
		fmt.Fprintf(&b, " %d bars.", len(c.Categories))
		if hi >= 0 {
			fmt.Fprintf(&b, " Highest: %s, %s. Lowest: %s, %s.", c.Categories[hi], FormatValue(s.Values[hi], c.Unit),
				c.Categories[lo], FormatValue(s.Values[lo], c.Unit))
		}
		for i := range c.Categories { // in category order: map order would change the text
			if s.Highlight[i] {
				fmt.Fprintf(&b, " Highlighted: %s, %s.", c.Categories[i], FormatValue(s.Values[i], c.Unit))
			}
		}
	}
	if c.Demo {
		b.WriteString(" DEMO DATA: synthetic figures.")
	}
	b.WriteString(" The data table beside the chart gives every value.")
	return b.String()
}

// CSV returns the data behind the chart in tidy form, one row per series and category:
// chart_id, series, category, value, unit, source. Values are written in full precision, so they
// equal what the chart plots; missing values are empty.
func (c *Chart) CSV() []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	cite := c.Citation.String()
	if c.Demo {
		cite = "DEMO DATA - synthetic figures. " + cite
	}
	_ = w.Write([]string{"chart_id", "series", "category", "value", "unit", "source"})
	for _, s := range c.Series {
		for i, cat := range c.Categories {
			v := ""
			if !math.IsNaN(s.Values[i]) {
				v = strconv.FormatFloat(s.Values[i], 'f', -1, 64)
			}
			_ = w.Write([]string{c.ID, Neutralise(s.Name), Neutralise(cat), v, c.Unit, cite})
		}
	}
	w.Flush()
	return buf.Bytes()
}

// Neutralise defuses spreadsheet formula injection: a cell starting with =, +, -, @, tab or
// carriage return gets a leading apostrophe, unless it is a plain number.
func Neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if _, err := strconv.ParseFloat(s, 64); err == nil {
			return s
		}
		return "'" + s
	}
	return s
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}
