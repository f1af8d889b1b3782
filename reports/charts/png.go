package charts

import (
	"encoding/binary"
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
	var counts colourTable
	counts.init(1 << 12)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, y):img.PixOffset(b.Max.X, y)]
		// Pixels are compared as little-endian words (R, G, B, A from the low byte): a chart is
		// mostly long runs of one colour.
		last, run := uint32(0), int32(0)
		for i := 0; i+4 <= len(row); i += 4 {
			w := binary.LittleEndian.Uint32(row[i:])
			if run > 0 && w == last {
				run++
				continue
			}
			if w>>24 != 0xff {
				return nil
			}
			if run > 0 {
				*counts.at(rgb(last)) += run
			}
			last, run = w, 1
		}
		if run > 0 {
			*counts.at(rgb(last)) += run
		}
	}
	colours := counts.keys()
	// Most used first; ties by value, so the palette (and the file) is deterministic.
	sort.Slice(colours, func(i, j int) bool {
		ci, cj := *counts.at(colours[i]), *counts.at(colours[j])
		if ci != cj {
			return ci > cj
		}
		return colours[i] < colours[j]
	})
	n := min(len(colours), 256)
	pal := make(color.Palette, n)
	index := &counts // reused: colour → palette index
	for i, c := range colours[:n] {
		pal[i] = color.RGBA{uint8(c >> 16), uint8(c >> 8), uint8(c), 0xff}
		*index.at(c) = int32(i)
	}
	for _, c := range colours[n:] {
		*index.at(c) = int32(nearest(colours[:n], c))
	}
	out := image.NewPaletted(b, pal)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, y):img.PixOffset(b.Max.X, y)]
		dst := out.Pix[out.PixOffset(b.Min.X, y):out.PixOffset(b.Max.X, y)]
		last, idx := uint32(0), uint8(0) // alpha is never 0 here: 0 matches no pixel
		for i, j := 0, 0; i+4 <= len(row); i, j = i+4, j+1 {
			w := binary.LittleEndian.Uint32(row[i:])
			if w != last {
				last, idx = w, uint8(*index.at(rgb(w)))
			}
			dst[j] = idx
		}
	}
	return out
}

// rgb turns a little-endian RGBA pixel word into 0xRRGGBB.
func rgb(w uint32) uint32 { return w&0xff<<16 | w&0xff00 | w>>16&0xff }

// colourTable maps 24-bit colours to a count or an index: open addressing with linear probing,
// several times faster than a Go map on the two passes over every pixel.
type colourTable struct {
	slots []uint32 // colour+1; 0 is empty
	vals  []int32
	n     int
}

func (t *colourTable) init(size int) {
	t.slots, t.vals, t.n = make([]uint32, size), make([]int32, size), 0
}

// at returns the value of colour c, adding it (as 0) when absent.
func (t *colourTable) at(c uint32) *int32 {
	mask := uint32(len(t.slots) - 1)
	k := c + 1
	for i := (c * 0x9E3779B1) >> 16 & mask; ; i = (i + 1) & mask {
		switch t.slots[i] {
		case k:
			return &t.vals[i]
		case 0:
			if 2*(t.n+1) > len(t.slots) {
				t.grow()
				return t.at(c)
			}
			t.slots[i] = k
			t.n++
			return &t.vals[i]
		}
	}
}

func (t *colourTable) grow() {
	old, vals := t.slots, t.vals
	t.init(2 * len(old))
	for i, k := range old {
		if k != 0 {
			*t.at(k - 1) = vals[i]
		}
	}
}

// keys returns the colours in the table, in no particular order.
func (t *colourTable) keys() []uint32 {
	out := make([]uint32, 0, t.n)
	for _, k := range t.slots {
		if k != 0 {
			out = append(out, k-1)
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
