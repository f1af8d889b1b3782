package charts

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"testing"
)

// TestPalettedMatchesReference compares paletted with the plain algorithm it implements (count
// every pixel's colour in a map, most used first, ties by value, the rest to the nearest), pixel
// by pixel, on drawn charts and on images with more than 256 colours and repeated rows.
func TestPalettedMatchesReference(t *testing.T) {
	imgs := map[string]*image.RGBA{}
	for _, c := range []*Chart{sample(), barSample()} {
		rc := raster(c)
		img := image.NewRGBA(rc.img.Rect)
		copy(img.Pix, rc.img.Pix)
		rc.release()
		imgs[c.ID] = img
	}
	ramp := image.NewRGBA(image.Rect(0, 0, 301, 40))
	for y := range 40 {
		for x := range 301 {
			v := uint8(x * 255 / 300)
			if y%7 == 3 {
				v = 255 - v
			}
			ramp.Set(x, y, color.RGBA{v, uint8(y / 10 * 60), 200, 0xff})
		}
	}
	imgs["ramp"] = ramp
	for name, img := range imgs {
		got := paletted(img)
		want := referencePaletted(img)
		if len(got.Palette) != len(want.Palette) {
			t.Fatalf("%s: palette of %d colours, want %d", name, len(got.Palette), len(want.Palette))
		}
		for i := range want.Palette {
			if got.Palette[i] != want.Palette[i] {
				t.Fatalf("%s: palette[%d] = %v, want %v", name, i, got.Palette[i], want.Palette[i])
			}
		}
		for i := range want.Pix {
			if got.Pix[i] != want.Pix[i] {
				t.Fatalf("%s: pixel %d (x %d, y %d) is %d, want %d", name, i, i%want.Stride, i/want.Stride, got.Pix[i], want.Pix[i])
			}
		}
	}
	translucent := image.NewRGBA(image.Rect(0, 0, 4, 4))
	if paletted(translucent) != nil {
		t.Error("an image with transparent pixels was paletted")
	}
}

func referencePaletted(img *image.RGBA) *image.Paletted {
	b := img.Bounds()
	counts := map[uint32]int{}
	key := func(x, y int) uint32 {
		i := img.PixOffset(x, y)
		return uint32(img.Pix[i])<<16 | uint32(img.Pix[i+1])<<8 | uint32(img.Pix[i+2])
	}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			counts[key(x, y)]++
		}
	}
	var colours []uint32
	for c := range counts {
		colours = append(colours, c)
	}
	for i := 1; i < len(colours); i++ { // insertion sort: most used first, ties by value
		for j := i; j > 0; j-- {
			a, b := colours[j-1], colours[j]
			if counts[a] > counts[b] || counts[a] == counts[b] && a < b {
				break
			}
			colours[j-1], colours[j] = b, a
		}
	}
	n := min(len(colours), 256)
	pal := make(color.Palette, n)
	index := map[uint32]uint8{}
	for i, c := range colours[:n] {
		pal[i] = color.RGBA{uint8(c >> 16), uint8(c >> 8), uint8(c), 0xff}
		index[c] = uint8(i)
	}
	for _, c := range colours[n:] {
		index[c] = nearest(colours[:n], c)
	}
	out := image.NewPaletted(b, pal)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.SetColorIndex(x, y, index[key(x, y)])
		}
	}
	return out
}

// TestWritePalettedDecodes decodes what writePaletted wrote with image/png: the same size,
// palette and pixels.
func TestWritePalettedDecodes(t *testing.T) {
	for _, c := range []*Chart{sample(), barSample()} {
		rc := raster(c)
		p := paletted(rc.img)
		var buf bytes.Buffer
		if err := writePaletted(&buf, p); err != nil {
			t.Fatal(err)
		}
		rc.release()
		img, err := png.Decode(&buf)
		if err != nil {
			t.Fatalf("%s: decoding: %v", c.ID, err)
		}
		got, ok := img.(*image.Paletted)
		if !ok {
			t.Fatalf("%s: decoded a %T, want *image.Paletted", c.ID, img)
		}
		if got.Rect != p.Rect || len(got.Palette) != len(p.Palette) || !bytes.Equal(got.Pix, p.Pix) {
			t.Fatalf("%s: decoded image differs (rect %v/%v, palette %d/%d)", c.ID, got.Rect, p.Rect, len(got.Palette), len(p.Palette))
		}
		for i := range p.Palette {
			r1, g1, b1, a1 := got.Palette[i].RGBA()
			r2, g2, b2, a2 := p.Palette[i].RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 || a1 != a2 {
				t.Fatalf("%s: palette[%d] decoded as %v, want %v", c.ID, i, got.Palette[i], p.Palette[i])
			}
		}
	}
}
