package charts

import (
	"fmt"
	"image"
	"math"
	"sync"
	"testing"

	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// barSample is a peer comparison: horizontal bars, long category labels, a highlighted bar.
func barSample() *Chart {
	c := sample()
	c.ID, c.Kind, c.Unit = "peers-e06000065", Bars, "£"
	c.Title = "North Yorkshire spent £14.20 per head on libraries in 2024-25, against a peer median of £15.10"
	c.Categories = []string{"North Yorkshire", "Cumberland", "Westmorland and Furness", "Somerset", "Wiltshire", "Shropshire", "Cornwall"}
	c.Series = []Series{{Name: "Net spend per head", Values: []float64{14.2, 15.1, 16.9, 12.4, math.NaN(), 18.0, 11.3},
		Highlight: map[int]bool{0: true}}}
	return c
}

// TestRasterMatchesVgimg draws charts through rasterCanvas (pooled image, cached glyphs, no
// background fills) and through vgimg's own canvas, as Draw did before, and requires the same
// image: glyphs placed to a quarter of a pixel may shade a few edge pixels differently, nothing
// more.
func TestRasterMatchesVgimg(t *testing.T) {
	for _, c := range []*Chart{sample(), barSample()} {
		t.Run(c.ID, func(t *testing.T) {
			footer := c.footerLines()
			h := chartHeight(footer)
			p, err := c.plot()
			if err != nil {
				t.Fatal(err)
			}
			ic := vgimg.NewWith(vgimg.UseWH(width, h), vgimg.UseDPI(pngDPI))
			c.drawAll(draw.New(ic), p, footer, true)
			want := ic.Image().(*image.RGBA)

			rc := raster(c)
			defer rc.release()
			got := rc.img

			if got.Rect != want.Rect {
				t.Fatalf("image %v, want %v", got.Rect, want.Rect)
			}
			// Compositing rounds differently and glyphs sit up to an eighth of a pixel from
			// where vgimg puts them: anti-aliased edges differ by a few levels, rarely by 16-63,
			// never by more.
			var slight, visible, far int
			for i := 0; i < len(got.Pix); i += 4 {
				d := 0
				for k := range 3 {
					d = max(d, absDiff(got.Pix[i+k], want.Pix[i+k]))
				}
				switch {
				case d > 64:
					far++
				case d > 15:
					visible++
				case d > 0:
					slight++
				}
			}
			n := len(got.Pix) / 4
			t.Logf("%d pixels: %d differ by 1-15 levels, %d by 16-64, %d by more", n, slight, visible, far)
			if far > 0 || float64(visible) > 0.02*float64(n) {
				t.Errorf("%d of %d pixels differ from vgimg's drawing by 16-64 levels, %d by more", visible, n, far)
			}
		})
	}
}

// TestRasterPoolReuse draws two different charts on one pooled image in turn: nothing of the first
// may show in the second.
func TestRasterPoolReuse(t *testing.T) {
	_, first, err := Draw(barSample())
	if err != nil {
		t.Fatal(err)
	}
	_, a, _ := Draw(sample())
	_, b, _ := Draw(barSample())
	if string(first) != string(b) {
		t.Error("the same chart drawn after another gives a different PNG")
	}
	_, a2, _ := Draw(sample())
	if string(a) != string(a2) {
		t.Error("the same chart drawn twice on pooled images gives different PNGs")
	}
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// TestDrawConcurrent draws charts from several goroutines at once (the site's workers share the
// glyph cache and the image pool): each PNG equals the one drawn alone.
func TestDrawConcurrent(t *testing.T) {
	_, wantA, _ := Draw(sample())
	_, wantB, _ := Draw(barSample())
	errs := make(chan string, 16)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, want := sample(), wantA
			if i%2 == 1 {
				c, want = barSample(), wantB
			}
			if _, got, err := Draw(c); err != nil || string(got) != string(want) {
				errs <- fmt.Sprintf("goroutine %d: PNG differs (err %v)", i, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
