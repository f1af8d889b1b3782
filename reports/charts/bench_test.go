package charts

import (
	"bytes"
	"image"
	"testing"

	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
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
		c.drawAll(draw.New(sc), p, c.footerLines())
		var sb bytes.Buffer
		if _, err := sc.WriteTo(&sb); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRasterise(b *testing.B) {
	c := sample()
	for b.Loop() {
		raster(c)
	}
}

func raster(c *Chart) *image.RGBA {
	p, _ := c.plot()
	ic := vgimg.NewWith(vgimg.UseWH(width, plotHeight), vgimg.UseDPI(pngDPI))
	c.drawAll(draw.New(ic), p, c.footerLines())
	return ic.Image().(*image.RGBA)
}

func BenchmarkEncodePaletted(b *testing.B) {
	img := raster(sample())
	for b.Loop() {
		var pb bytes.Buffer
		if err := encodePNG(&pb, img); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeRGBA(b *testing.B) {
	img := raster(sample())
	for b.Loop() {
		var pb bytes.Buffer
		if err := pngEncoder.Encode(&pb, img); err != nil {
			b.Fatal(err)
		}
	}
}
