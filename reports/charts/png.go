package charts

import (
	"image"
	"image/color"
	"image/png"
	"io"
	"sort"
	"sync"
)

// pngEncoder favours speed over size: a site holds tens of charts per council.
var pngEncoder = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &pngBuffers{}}

// pngBuffers reuses the encoder's buffers across charts (safe for concurrent use).
type pngBuffers struct{ p sync.Pool }

func (b *pngBuffers) Get() *png.EncoderBuffer {
	if v, ok := b.p.Get().(*png.EncoderBuffer); ok {
		return v
	}
	return nil
}

func (b *pngBuffers) Put(v *png.EncoderBuffer) { b.p.Put(v) }

// encodePNG writes a chart raster as an 8-bit paletted PNG when it is opaque (it always is: the
// background is filled white), else as RGBA.
//
// A chart is a few flat colours and their anti-aliased edges, a ramp from each colour to its
// background. The palette is the chart's 256 most used colours: every colour when it has no more
// (then the image is exact), otherwise the colours it draws and the commonest steps of each ramp,
// with the rarest edge shades drawn in the nearest palette colour, a difference of a few levels in
// one channel. Paletted rows are not filtered and are a quarter of RGBA's bytes, so encoding takes
// a fraction of the time and the files are smaller.
func encodePNG(w io.Writer, img *image.RGBA) error {
	if p := paletted(img); p != nil {
		return pngEncoder.Encode(w, p)
	}
	return pngEncoder.Encode(w, img)
}

// paletted returns img quantised to at most 256 colours, or nil when img has a pixel that is not
// fully opaque.
func paletted(img *image.RGBA) *image.Paletted {
	b := img.Bounds()
	counts := map[uint32]int{}
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, y):img.PixOffset(b.Max.X, y)]
		last, run := uint32(0), 0
		for i := 0; i < len(row); i += 4 {
			if row[i+3] != 0xff {
				return nil
			}
			c := uint32(row[i])<<16 | uint32(row[i+1])<<8 | uint32(row[i+2])
			if run > 0 && c == last {
				run++
				continue
			}
			if run > 0 {
				counts[last] += run
			}
			last, run = c, 1
		}
		if run > 0 {
			counts[last] += run
		}
	}
	colours := make([]uint32, 0, len(counts))
	for c := range counts {
		colours = append(colours, c)
	}
	// Most used first; ties by value, so the palette (and the file) is deterministic.
	sort.Slice(colours, func(i, j int) bool {
		if counts[colours[i]] != counts[colours[j]] {
			return counts[colours[i]] > counts[colours[j]]
		}
		return colours[i] < colours[j]
	})
	n := min(len(colours), 256)
	pal := make(color.Palette, n)
	index := make(map[uint32]uint8, len(colours))
	for i, c := range colours[:n] {
		pal[i] = color.RGBA{uint8(c >> 16), uint8(c >> 8), uint8(c), 0xff}
		index[c] = uint8(i)
	}
	for _, c := range colours[n:] {
		index[c] = nearest(colours[:n], c)
	}
	out := image.NewPaletted(b, pal)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, y):img.PixOffset(b.Max.X, y)]
		dst := out.Pix[out.PixOffset(b.Min.X, y):out.PixOffset(b.Max.X, y)]
		last, idx := uint32(1<<31), uint8(0)
		for i, j := 0, 0; i < len(row); i, j = i+4, j+1 {
			c := uint32(row[i])<<16 | uint32(row[i+1])<<8 | uint32(row[i+2])
			if c != last {
				last, idx = c, index[c]
			}
			dst[j] = idx
		}
	}
	return out
}

// nearest returns the index of the palette colour closest to c (squared distance in RGB).
func nearest(pal []uint32, c uint32) uint8 {
	r, g, b := int(c>>16&0xff), int(c>>8&0xff), int(c&0xff)
	best, bestD := 0, 1<<31-1
	for i, p := range pal {
		dr, dg, db := r-int(p>>16&0xff), g-int(p>>8&0xff), b-int(p&0xff)
		if d := dr*dr + dg*dg + db*db; d < bestD {
			best, bestD = i, d
		}
	}
	return uint8(best)
}
