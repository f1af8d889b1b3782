package charts

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"github.com/cornerstone-data/cornerstone/reports/format"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Files is what Render wrote: the files' names and the SVG itself, ready to show inline.
type Files struct {
	// SVG and CSV are always written; PNG only when asked for (empty otherwise).
	SVG, PNG, CSV string
	// Inline is the SVG without its XML declaration, for embedding in an HTML page.
	Inline []byte
}

// FileWriter writes a named file (as os.WriteFile does in a folder).
type FileWriter interface {
	WriteFile(name string, data []byte) error
}

// Dir is a FileWriter into a folder.
type Dir string

// WriteFile writes data to the file name in the folder.
func (d Dir) WriteFile(name string, data []byte) error {
	return os.WriteFile(filepath.Join(string(d), name), data, 0o644)
}

// Size of every chart: 8 × 4.5 inches for the plot, plus the footer.
const (
	width      = 8 * vg.Inch
	plotHeight = 4.5 * vg.Inch
	lineHeight = 11 * vg.Length(1)
	pngDPI     = 110
)

// Render draws the chart and writes <id>.svg and .csv with w, and <id>.png when png is set
// (drawing the PNG costs about five times as much as the SVG).
func Render(c *Chart, w FileWriter, png bool) (Files, error) {
	var svg, pngBody []byte
	var err error
	if png {
		svg, pngBody, err = Draw(c)
	} else {
		svg, err = DrawSVG(c)
	}
	if err != nil {
		return Files{}, err
	}
	f := Files{SVG: c.ID + ".svg", CSV: c.ID + ".csv", Inline: inline(svg)}
	if png {
		f.PNG = c.ID + ".png"
	}
	for _, file := range []struct {
		name string
		body []byte
	}{{f.SVG, svg}, {f.CSV, c.CSV()}, {f.PNG, pngBody}} {
		if file.name == "" {
			continue
		}
		if err := w.WriteFile(file.name, file.body); err != nil {
			return Files{}, fmt.Errorf("writing chart %s: %w", c.ID, err)
		}
	}
	return f, nil
}

// inline returns the SVG from its <svg> element on: HTML takes no XML declaration.
func inline(svg []byte) []byte {
	if i := bytes.Index(svg, []byte("<svg")); i > 0 {
		return svg[i:]
	}
	return svg
}

// Draw renders the chart to SVG and PNG bytes.
func Draw(c *Chart) (svg, png []byte, err error) {
	p, footer, svg, err := c.svg()
	if err != nil {
		return nil, nil, err
	}
	rc := c.rasterize(p, footer)
	defer rc.release()
	var pb bytes.Buffer
	if err := encodePNG(&pb, rc.img); err != nil {
		return nil, nil, fmt.Errorf("writing PNG of %s: %w", c.ID, err)
	}
	return svg, pb.Bytes(), nil
}

// DrawSVG renders the chart to SVG bytes only.
func DrawSVG(c *Chart) ([]byte, error) {
	_, _, svg, err := c.svg()
	return svg, err
}

// svg lays the chart out and draws its SVG, returning the plot and footer lines for a raster.
func (c *Chart) svg() (*plot.Plot, []string, []byte, error) {
	if err := c.Validate(); err != nil {
		return nil, nil, nil, err
	}
	p, err := c.plot()
	if err != nil {
		return nil, nil, nil, err
	}
	footer := c.footerLines()
	sc := vgsvg.New(width, chartHeight(footer))
	c.drawAll(draw.New(sc), p, footer, true)
	var sb bytes.Buffer
	if _, err := sc.WriteTo(&sb); err != nil {
		return nil, nil, nil, fmt.Errorf("writing SVG of %s: %w", c.ID, err)
	}
	return p, footer, c.annotateSVG(sb.Bytes()), nil
}

// chartHeight is the height of a chart with these footer lines.
func chartHeight(footer []string) vg.Length {
	return plotHeight + vg.Length(len(footer)+1)*lineHeight
}

// rasterize draws the chart on a pooled raster canvas, which starts white, so without background
// fills (p's is cleared). The caller releases the canvas.
func (c *Chart) rasterize(p *plot.Plot, footer []string) *rasterCanvas {
	p.BackgroundColor = nil
	rc := newRasterCanvas(width, chartHeight(footer))
	c.drawAll(draw.New(rc), p, footer, false)
	return rc
}

// drawAll draws the plot and the footer; background fills the canvas white first.
func (c *Chart) drawAll(dc draw.Canvas, p *plot.Plot, footer []string, background bool) {
	if background {
		dc.SetColor(color.White)
		dc.Fill(dc.Rectangle.Path())
	}
	footerH := vg.Length(len(footer)+1) * lineHeight
	top := draw.Crop(dc, 0, 0, footerH, 0)
	p.Draw(top)
	sty := text.Style{Color: color.NRGBA{0x33, 0x33, 0x33, 0xff}, Font: font.From(Sans, 8), Handler: textHandler}
	y := footerH - lineHeight
	for _, line := range footer {
		s := sty
		if strings.HasPrefix(line, "DEMO DATA") {
			s.Color = color.NRGBA{0xB3, 0x3C, 0x00, 0xff}
			s.Font = font.From(Sans, 10)
		}
		dc.FillText(s, vg.Point{X: 0.15 * vg.Inch, Y: y}, line)
		y -= lineHeight
	}
}

// Sans is the typeface of every chart (Liberation Sans, embedded in gonum's font cache).
var Sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

func setFonts(p *plot.Plot) {
	p.TextHandler = textHandler
	p.Title.TextStyle.Font = font.From(Sans, 12)
	p.Title.TextStyle.Handler = textHandler
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(Sans, 10)
		ax.Label.TextStyle.Handler = textHandler
		ax.Tick.Label.Font = font.From(Sans, 9)
		ax.Tick.Label.Handler = textHandler
	}
	p.Legend.TextStyle.Font = font.From(Sans, 9)
	p.Legend.TextStyle.Handler = textHandler
}

// Label is stamped on demo charts.
const Label = "DEMO DATA - synthetic figures"

// footerLines wraps the citation, notes and demo stamp to the chart width.
func (c *Chart) footerLines() []string {
	sty := text.Style{Font: font.From(Sans, 8), Handler: textHandler}
	maxW := width - 0.3*vg.Inch
	var lines []string
	if c.Demo {
		lines = append(lines, Label+": not real statistics.")
	}
	lines = append(lines, wrap(sty, c.Citation.String(), maxW)...)
	for _, n := range c.Notes {
		lines = append(lines, wrap(sty, "Note: "+n, maxW)...)
	}
	lines = append(lines, "Chart "+c.ID)
	return lines
}

func wrap(sty text.Style, s string, maxW vg.Length) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		try := w
		if cur != "" {
			try = cur + " " + w
		}
		if cur != "" && sty.Width(try) > maxW {
			lines = append(lines, cur)
			cur = w
			continue
		}
		cur = try
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// annotateSVG adds a <title> and a <desc> (alt text and citation) for assistive technology and
// for anyone who opens the file on its own.
func (c *Chart) annotateSVG(b []byte) []byte {
	i := bytes.Index(b, []byte("<svg"))
	if i < 0 {
		return b
	}
	j := bytes.IndexByte(b[i:], '>')
	if j < 0 {
		return b
	}
	end := i + j + 1
	var ins bytes.Buffer
	ins.WriteString("\n<title>")
	xml.EscapeText(&ins, []byte(c.Title))
	ins.WriteString("</title>\n<desc>")
	xml.EscapeText(&ins, []byte(c.AltText()+" "+c.Citation.String()))
	ins.WriteString("</desc>\n")
	out := append([]byte{}, b[:end]...)
	out = append(out, ins.Bytes()...)
	out = append(out, b[end:]...)
	// Declare the role for screen readers.
	out = bytes.Replace(out, []byte("<svg"), []byte(`<svg role="img"`), 1)
	// Name fallbacks a browser has: without them it draws the text in its default font, often a
	// serif, and labels laid out for Liberation Sans overrun. Arial has the same metrics.
	return bytes.ReplaceAll(out, []byte("font-family:Liberation Sans;"), []byte(fontFamily))
}

// fontFamily is the SVG text's font: Liberation Sans, or the fonts with its metrics.
const fontFamily = "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"

func (c *Chart) plot() (*plot.Plot, error) {
	p := plot.New()
	setFonts(p)
	// Wrap long titles to the chart's width rather than let them run off it.
	maxW := width - 0.4*vg.Inch
	lines := wrap(p.Title.TextStyle, c.Title, maxW)
	if c.Subtitle != "" {
		lines = append(lines, wrap(p.Title.TextStyle, c.Subtitle, maxW)...)
	}
	p.Title.Text = strings.Join(lines, "\n")
	p.Title.Padding = 6
	p.X.Label.Text = c.XLabel
	p.Y.Label.Text = c.YLabel
	p.Legend.Top = true
	p.Legend.Left = true
	switch c.Kind {
	case Line:
		return p, c.plotLines(p)
	default:
		return p, c.plotBars(p)
	}
}

func (c *Chart) plotLines(p *plot.Plot) error {
	p.Add(plotter.NewGrid())
	var ticks []plot.Tick
	step := max(1, len(c.Categories)/10)
	for i, cat := range c.Categories {
		label := ""
		if i%step == 0 || i == len(c.Categories)-1 {
			label = cat
		}
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: label})
	}
	p.X.Tick.Marker = plot.ConstantTicks(ticks)
	p.Y.Tick.Marker = unitTicks{unit: c.Unit}
	lo, hi := math.Inf(1), math.Inf(-1)
	for si, s := range c.Series {
		col := Palette[si%len(Palette)]
		var segs []plotter.XYs
		var cur plotter.XYs
		for i, v := range s.Values {
			if math.IsNaN(v) {
				if len(cur) > 0 {
					segs = append(segs, cur)
					cur = nil
				}
				continue
			}
			cur = append(cur, plotter.XY{X: float64(i), Y: v})
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		if len(cur) > 0 {
			segs = append(segs, cur)
		}
		for k, seg := range segs {
			l, pts, err := plotter.NewLinePoints(seg)
			if err != nil {
				return err
			}
			l.Color, l.Width = col, 2
			if s.Dashed {
				l.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
			}
			pts.Color, pts.Radius = col, 2.5
			p.Add(l, pts)
			if k == 0 && len(c.Series) > 1 {
				p.Legend.Add(s.Name, l, pts)
			}
		}
	}
	if lo == math.Inf(1) {
		return fmt.Errorf("chart %s: every value is missing", c.ID)
	}
	// Start the y axis at zero for counts and money, so changes are not exaggerated.
	if lo >= 0 {
		p.Y.Min = 0
	}
	p.Y.Max = hi + (hi-math.Min(lo, 0))*0.08
	p.X.Min, p.X.Max = -0.3, float64(len(c.Categories)-1)+0.3
	return nil
}

func (c *Chart) plotBars(p *plot.Plot) error {
	s := c.Series[0]
	n := len(c.Categories)
	barW := vg.Points(math.Max(4, math.Min(18, 260/float64(n))))
	for i := range c.Categories {
		v := s.Values[i]
		if math.IsNaN(v) {
			continue
		}
		bc, err := plotter.NewBarChart(plotter.Values{v}, barW)
		if err != nil {
			return err
		}
		bc.Horizontal = true
		bc.XMin = float64(n - 1 - i)
		bc.LineStyle.Width = 0
		bc.Color = Neutral
		if c.Kind == Breakdown {
			bc.Color = Palette[i%len(Palette)]
		}
		if s.Highlight[i] {
			bc.Color = Highlight
		}
		p.Add(bc)
	}
	labels := make([]string, n)
	for i, cat := range c.Categories {
		labels[n-1-i] = cat
	}
	p.NominalY(labels...)
	// Horizontal bars: values run along X, categories down Y; pad half a bar's slot at each end so
	// the outer bars are not cut.
	p.X.Label.Text, p.Y.Label.Text = c.YLabel, c.XLabel
	p.Y.Min, p.Y.Max = -0.6, float64(n-1)+0.6
	p.X.Tick.Marker = unitTicks{unit: c.Unit}
	p.X.Min = math.Min(0, p.X.Min)
	if p.X.Max > 0 {
		p.X.Max *= 1.06 // room beyond the longest bar
	}
	p.Add(plotter.NewGrid())
	return c.addBarAnnotations(p, n)
}

// addBarAnnotations draws the bar chart's value labels and reference lines.
func (c *Chart) addBarAnnotations(p *plot.Plot, n int) error {
	if c.ValueLabels {
		var xys plotter.XYs
		var texts []string
		for i, v := range c.Series[0].Values {
			if math.IsNaN(v) {
				continue
			}
			xys = append(xys, plotter.XY{X: v, Y: float64(n - 1 - i)})
			texts = append(texts, " "+format.Compact(v, c.Unit))
		}
		if len(xys) > 0 {
			l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: texts})
			if err != nil {
				return err
			}
			for i := range l.TextStyle {
				l.TextStyle[i].Font = font.From(Sans, 9)
				l.TextStyle[i].Handler = textHandler
				l.TextStyle[i].YAlign = -0.5
			}
			p.Add(l)
			p.X.Max *= 1.12 // room for the labels
		}
	}
	for i, r := range c.References {
		if math.IsNaN(r.Value) {
			continue
		}
		col := ReferenceColours[i%len(ReferenceColours)]
		ln, err := plotter.NewLine(plotter.XYs{{X: r.Value, Y: -0.6}, {X: r.Value, Y: float64(n-1) + 0.6}})
		if err != nil {
			return err
		}
		ln.Color, ln.Width = col, 1.5
		ln.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(ln)
		p.Legend.Add(r.Label+" "+format.Compact(r.Value, c.Unit), ln)
		p.X.Max = math.Max(p.X.Max, r.Value*1.06)
	}
	if len(c.References) > 0 {
		p.Legend.Top, p.Legend.Left = false, false
	}
	return nil
}

// unitTicks formats axis labels with thousands separators and the unit.
type unitTicks struct{ unit string }

func (t unitTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = FormatValue(ticks[i].Value, t.unit)
		}
	}
	return ticks
}
