package charts

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/png"
	"io"
	"slices"
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
		defer palettedPix.Put(&p.Pix)
		return writePaletted(w, p)
	}
	return pngEncoder.Encode(w, img)
}

// paletted returns img quantised to at most 256 colours, or nil when img has a pixel that is not
// fully opaque.
//
// A chart is mostly long runs of one colour and rows like the row above, so the image is read
// once as runs (pixels compared as little-endian words, R, G, B, A from the low byte, eight bytes
// at a time along a run), a row equal to the one above costs a comparison, and the paletted
// image is written from the runs.
func paletted(img *image.RGBA) *image.Paletted {
	b := img.Bounds()
	sc := palScratch.Get().(*palettedScratch)
	defer palScratch.Put(sc)
	ids := &sc.ids
	ids.reset(1 << 12)
	colours, counts := sc.colours[:0], sc.counts[:0] // by colour id, in order of first sight
	runs := sc.runs[:0]
	starts := sc.starts[:0] // runs of row y: runs[starts[y]:starts[y+1]]; -1: as the row above
	defer func() {
		sc.colours, sc.counts, sc.runs, sc.starts = colours[:0], counts[:0], runs[:0], starts[:0]
	}()
	lastW, lastID := uint32(0), uint32(0) // alpha is never 0 here: 0 matches no pixel
	var prev []byte
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := img.Pix[img.PixOffset(b.Min.X, y):img.PixOffset(b.Max.X, y)]
		if prev != nil && bytes.Equal(row, prev) {
			starts = append(starts, -1)
			// Count the row again: its runs are the last non-repeated row's.
			for _, r := range runs[lastRuns(starts):] {
				counts[r.id] += r.n
			}
			continue
		}
		starts = append(starts, len(runs))
		prev = row
		for i := 0; i+4 <= len(row); {
			w := binary.LittleEndian.Uint32(row[i:])
			if w>>24 != 0xff {
				return nil
			}
			pat := uint64(w) | uint64(w)<<32
			j := i + 4
			for j+8 <= len(row) && binary.LittleEndian.Uint64(row[j:]) == pat {
				j += 8
			}
			for j+4 <= len(row) && binary.LittleEndian.Uint32(row[j:]) == w {
				j += 4
			}
			if w != lastW {
				id := ids.at(rgb(w))
				if *id < 0 {
					*id = int32(len(colours))
					colours, counts = append(colours, rgb(w)), append(counts, 0)
				}
				lastW, lastID = w, uint32(*id)
			}
			n := int32((j - i) / 4)
			runs = append(runs, run{lastID, n})
			counts[lastID] += n
			i = j
		}
	}
	// Most used first; ties by value, so the palette (and the file) is deterministic: sort keys of
	// (pixels not of this colour, colour), ascending.
	order := sc.order[:0]
	total := uint64(b.Dx() * b.Dy())
	for id, c := range colours {
		order = append(order, (total-uint64(counts[id]))<<24|uint64(c))
	}
	slices.Sort(order)
	sc.order = order[:0]
	n := min(len(order), 256)
	pal := make(color.Palette, n)
	top := make([]uint32, n)
	pidx := sc.pidx[:0] // by colour id: palette index
	pidx = append(pidx, make([]uint8, len(colours))...)
	sc.pidx = pidx[:0]
	for i, k := range order[:n] {
		c := uint32(k & 0xffffff)
		top[i] = c
		pal[i] = color.RGBA{uint8(c >> 16), uint8(c >> 8), uint8(c), 0xff}
		pidx[*ids.at(c)] = uint8(i)
	}
	for _, k := range order[n:] {
		c := uint32(k & 0xffffff)
		pidx[*ids.at(c)] = nearest(top, c)
	}
	out := &image.Paletted{Pix: pixBuffer(b.Dx() * b.Dy()), Stride: b.Dx(), Rect: b, Palette: pal}
	starts = append(starts, len(runs))
	for y := range b.Dy() {
		dst := out.Pix[y*out.Stride : y*out.Stride+b.Dx()]
		if starts[y] < 0 {
			copy(dst, out.Pix[(y-1)*out.Stride:])
			continue
		}
		end := starts[y+1]
		for k := y + 1; end < 0; k++ {
			end = starts[k+1]
		}
		j := 0
		for _, r := range runs[starts[y]:end] {
			idx := pidx[r.id]
			seg := dst[j : j+int(r.n)]
			for k := range seg {
				seg[k] = idx
			}
			j += int(r.n)
		}
	}
	return out
}

// palettedScratch is paletted's working memory, reused across images.
type palettedScratch struct {
	ids     colourTable // colour → id
	colours []uint32    // by id
	counts  []int32     // by id
	order   []uint64
	pidx    []uint8
	runs    []run
	starts  []int
}

// run is a run of one colour along a row.
type run struct {
	id uint32 // the colour's id
	n  int32  // how many pixels
}

var palScratch = sync.Pool{New: func() any { return new(palettedScratch) }}

// palettedPix pools the pixel buffers of paletted images (encodePNG puts them back).
var palettedPix sync.Pool

// pixBuffer returns a buffer of n bytes from the pool; every byte is overwritten by paletted.
func pixBuffer(n int) []byte {
	if p, ok := palettedPix.Get().(*[]byte); ok && cap(*p) >= n {
		return (*p)[:n]
	}
	return make([]byte, n)
}

// lastRuns returns where the runs of the last row not repeating the row above start.
func lastRuns(starts []int) int {
	for i := len(starts) - 1; i >= 0; i-- {
		if starts[i] >= 0 {
			return starts[i]
		}
	}
	return 0
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

// reset empties the table, keeping its memory when it has at least size slots.
func (t *colourTable) reset(size int) {
	if len(t.slots) < size {
		t.init(size)
		return
	}
	clear(t.slots)
	clear(t.vals)
	t.n = 0
}

// at returns the value of colour c, adding it (as -1) when absent.
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
			t.vals[i] = -1
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
