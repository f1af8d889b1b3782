package charts

import (
	"bytes"
	"testing"

	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"
)

// The parts of drawing one chart, for docs/PERFORMANCE.md: go test -bench . ./reports/charts

func BenchmarkDraw(b *testing.B) {
	c := sample()
	for b.Loop() {
		if _, _, err := Draw(c); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDrawSVG(b *testing.B) {
	c := sample()
	for b.Loop() {
		p, _ := c.plot()
		sc := vgsvg.New(width, plotHeight)
		c.drawAll(draw.New(sc), p, c.footerLines(), true)
		var sb bytes.Buffer
		if _, err := sc.WriteTo(&sb); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRasterise(b *testing.B) {
	c := sample()
	for b.Loop() {
		raster(c).release()
	}
}

// raster draws the chart's PNG image as Draw does (the caller releases the canvas).
func raster(c *Chart) *rasterCanvas {
	p, _ := c.plot()
	return c.rasterize(p, c.footerLines())
}

func BenchmarkEncodePaletted(b *testing.B) {
	rc := raster(sample())
	defer rc.release()
	img := rc.img
	for b.Loop() {
		var pb bytes.Buffer
		if err := encodePNG(&pb, img); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeRGBA(b *testing.B) {
	rc := raster(sample())
	defer rc.release()
	img := rc.img
	for b.Loop() {
		var pb bytes.Buffer
		if err := pngEncoder.Encode(&pb, img); err != nil {
			b.Fatal(err)
		}
	}
}
