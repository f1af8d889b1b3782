package charts

import (
	"encoding/binary"
	"hash/crc32"
	"image"
	"io"
	"sync"

	"github.com/klauspost/compress/zlib"
)

// writePaletted writes p as an 8-bit indexed-colour PNG: signature, IHDR, PLTE, one IDAT (rows
// unfiltered, as image/png writes paletted rows, deflated at the fastest level by klauspost's
// deflate, about twice as fast as compress/flate's on chart images) and IEND. The palette must
// be opaque and hold at most 256 colours.
func writePaletted(w io.Writer, p *image.Paletted) error {
	pw := pngWriters.Get().(*pngWriter)
	defer pngWriters.Put(pw)
	pw.w, pw.err = w, nil
	b := p.Bounds()
	pw.write([]byte("\x89PNG\r\n\x1a\n"))
	var hdr [13]byte
	binary.BigEndian.PutUint32(hdr[0:], uint32(b.Dx()))
	binary.BigEndian.PutUint32(hdr[4:], uint32(b.Dy()))
	hdr[8], hdr[9] = 8, 3 // bit depth 8, colour type 3 (indexed); compression, filter, interlace 0
	pw.chunk("IHDR", hdr[:])
	plte := pw.plte[:0]
	for _, c := range p.Palette {
		r, g, bl, _ := c.RGBA()
		plte = append(plte, uint8(r>>8), uint8(g>>8), uint8(bl>>8))
	}
	pw.plte = plte
	pw.chunk("PLTE", plte)

	pw.idat.Reset()
	pw.zw.Reset(&pw.idat)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		row := p.Pix[p.PixOffset(b.Min.X, y):p.PixOffset(b.Max.X, y)]
		if _, err := pw.zw.Write([]byte{0}); err != nil { // filter type None
			return err
		}
		if _, err := pw.zw.Write(row); err != nil {
			return err
		}
	}
	if err := pw.zw.Close(); err != nil {
		return err
	}
	pw.chunk("IDAT", pw.idat.Bytes())
	pw.chunk("IEND", nil)
	return pw.err
}

// pngWriter is one encoder's reusable state.
type pngWriter struct {
	w    io.Writer
	err  error
	zw   *zlib.Writer
	idat growBuffer
	plte []byte
}

var pngWriters = sync.Pool{New: func() any {
	zw, _ := zlib.NewWriterLevel(io.Discard, zlib.BestSpeed) // the level is valid
	return &pngWriter{zw: zw}
}}

func (pw *pngWriter) write(b []byte) {
	if pw.err == nil {
		_, pw.err = pw.w.Write(b)
	}
}

// chunk writes one PNG chunk: length, type, data, CRC of type and data.
func (pw *pngWriter) chunk(typ string, data []byte) {
	var head [8]byte
	binary.BigEndian.PutUint32(head[:4], uint32(len(data)))
	copy(head[4:], typ)
	crc := crc32.NewIEEE()
	crc.Write(head[4:])
	crc.Write(data)
	var tail [4]byte
	binary.BigEndian.PutUint32(tail[:], crc.Sum32())
	pw.write(head[:])
	pw.write(data)
	pw.write(tail[:])
}

// growBuffer is a byte buffer reused across images.
type growBuffer struct{ b []byte }

func (g *growBuffer) Reset()        { g.b = g.b[:0] }
func (g *growBuffer) Bytes() []byte { return g.b }
func (g *growBuffer) Write(p []byte) (int, error) {
	g.b = append(g.b, p...)
	return len(p), nil
}
