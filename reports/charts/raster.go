package charts

import (
	"image"
	"image/color"
	"image/draw"
	"sync"

	"git.sr.ht/~sbinet/gg"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/vgimg"
)

// A site draws thousands of charts; drawing the PNG through vgimg alone spent most of its time
// allocating and copying each image, filling the white background three times, and drawing every
// glyph of every label anew through a bilinear transform. rasterCanvas is vgimg's canvas with
// three differences, all invisible in the result:
//
//   - the image comes from a pool of images of the same size (put back once encoded);
//   - upright text (no rotation, translation or scaling in effect, which is all text but the y
//     axis label) is drawn from a cache of glyph masks, keyed by face, rune and the glyph's
//     position to a quarter of a pixel, composited with image/draw's glyph fast path; rotated
//     text goes through vgimg as before;
//   - the caller skips the background fills (the pooled image is cleared to white).

// newRasterCanvas returns a canvas of w × h at pngDPI on a pooled image. Release it when the
// image has been encoded.
func newRasterCanvas(w, h vg.Length) *rasterCanvas {
	px := image.Pt(int(w/vg.Inch*pngDPI+0.5), int(h/vg.Inch*pngDPI+0.5))
	img := rasterImages.get(px)
	ctx := gg.NewContextForRGBA(img)
	ctx.SetLineCapButt()
	ctx.InvertY()
	// NewWith clears the image to white (UseImageWithContext keeps the default background).
	ic := vgimg.NewWith(vgimg.UseImageWithContext(img, ctx), vgimg.UseDPI(pngDPI))
	_, ch := ic.Size()
	return &rasterCanvas{Canvas: ic, img: img, hDots: ch.Dots(pngDPI), cur: rasterState{plain: true, col: color.Black}}
}

type rasterCanvas struct {
	*vgimg.Canvas
	img   *image.RGBA
	hDots float64
	cur   rasterState
	stack []rasterState
}

// rasterState is what the fast text path needs of vgimg's graphics state.
type rasterState struct {
	// plain is true while no rotation, translation or scaling is in effect.
	plain bool
	col   color.Color
}

// release returns the image to the pool; the canvas must not be used after.
func (r *rasterCanvas) release() {
	rasterImages.put(r.img)
	r.img = nil
}

func (r *rasterCanvas) SetColor(c color.Color) {
	if c == nil {
		c = color.Black
	}
	r.cur.col = c
	r.Canvas.SetColor(c)
}

func (r *rasterCanvas) Push() {
	r.stack = append(r.stack, r.cur)
	r.Canvas.Push()
}

func (r *rasterCanvas) Pop() {
	r.cur = r.stack[len(r.stack)-1]
	r.stack = r.stack[:len(r.stack)-1]
	r.Canvas.Pop()
}

func (r *rasterCanvas) Rotate(t float64) {
	if t != 0 {
		r.cur.plain = false
	}
	r.Canvas.Rotate(t)
}

func (r *rasterCanvas) Translate(pt vg.Point) {
	if pt != (vg.Point{}) {
		r.cur.plain = false
	}
	r.Canvas.Translate(pt)
}

func (r *rasterCanvas) Scale(x, y float64) {
	if x != 1 || y != 1 {
		r.cur.plain = false
	}
	r.Canvas.Scale(x, y)
}

// FillString draws upright text from the glyph cache, as gg would draw it (the same face, kerning
// and advances), and anything else through vgimg.
func (r *rasterCanvas) FillString(f font.Face, pt vg.Point, s string) {
	if f.Font.Size == 0 {
		return
	}
	if !r.cur.plain {
		r.Canvas.FillString(f, pt, s)
		return
	}
	g := glyphsOf(f)
	src := image.NewUniform(r.cur.col)
	dot := fixed.Point26_6{X: fix(pt.X.Dots(pngDPI)), Y: fix(r.hDots - pt.Y.Dots(pngDPI))}
	prev := rune(-1)
	for _, c := range s {
		if prev >= 0 {
			dot.X += g.kern(prev, c)
		}
		gl, ok := g.glyph(dot, c)
		if !ok {
			continue
		}
		org := image.Pt(int(quarter(dot.X)>>6), int(quarter(dot.Y)>>6))
		draw.DrawMask(r.img, gl.dr.Add(org), src, image.Point{}, gl.mask, image.Point{}, draw.Over)
		dot.X += gl.advance
		prev = c
	}
}

func fix(x float64) fixed.Int26_6 {
	if x < 0 {
		return fixed.Int26_6(x*64 - 0.5)
	}
	return fixed.Int26_6(x*64 + 0.5)
}

// quarter rounds a 26.6 position to a quarter of a pixel.
func quarter(x fixed.Int26_6) fixed.Int26_6 { return (x + 8) &^ 15 }

// glyphs caches one face's glyph masks and kerning at pngDPI; safe for concurrent use.
type glyphs struct {
	mu     sync.Mutex
	face   *opentype.Face
	masks  map[glyphKey]glyph
	kerns  map[[2]rune]fixed.Int26_6
	loaded bool
}

type glyphKey struct {
	r      rune
	fx, fy fixed.Int26_6 // fractional position, in quarters of a pixel
}

type glyph struct {
	dr      image.Rectangle // relative to the glyph's whole-pixel origin
	mask    *image.Alpha    // owned by the cache, origin at dr.Min
	advance fixed.Int26_6
	ok      bool
}

var faceGlyphs sync.Map // faceKey → *glyphs

type faceKey struct {
	face *opentype.Font
	size vg.Length
}

func glyphsOf(f font.Face) *glyphs {
	k := faceKey{f.Face, f.Font.Size}
	if g, ok := faceGlyphs.Load(k); ok {
		return g.(*glyphs)
	}
	face, err := opentype.NewFace(f.Face, &opentype.FaceOptions{Size: f.Font.Size.Points(), DPI: pngDPI})
	if err != nil {
		panic(err) // as vgimg does: the face is gonum's embedded Liberation
	}
	g, _ := faceGlyphs.LoadOrStore(k, &glyphs{face: face.(*opentype.Face), masks: map[glyphKey]glyph{}, kerns: map[[2]rune]fixed.Int26_6{}})
	return g.(*glyphs)
}

func (g *glyphs) kern(a, b rune) fixed.Int26_6 {
	g.mu.Lock()
	defer g.mu.Unlock()
	k, ok := g.kerns[[2]rune{a, b}]
	if !ok {
		k = g.face.Kern(a, b)
		g.kerns[[2]rune{a, b}] = k
	}
	return k
}

// glyph returns the mask of r drawn at dot rounded to a quarter pixel.
func (g *glyphs) glyph(dot fixed.Point26_6, r rune) (glyph, bool) {
	q := fixed.Point26_6{X: quarter(dot.X), Y: quarter(dot.Y)}
	key := glyphKey{r: r, fx: q.X & 63, fy: q.Y & 63}
	g.mu.Lock()
	defer g.mu.Unlock()
	if gl, ok := g.masks[key]; ok {
		return gl, gl.ok
	}
	// Draw at the fractional offset only: the mask is the same at every whole-pixel origin.
	dr, mask, maskp, advance, ok := g.face.Glyph(fixed.Point26_6{X: key.fx, Y: key.fy}, r)
	gl := glyph{advance: advance, ok: ok}
	if ok {
		m := image.NewAlpha(image.Rectangle{Max: dr.Size()})
		draw.Draw(m, m.Rect, mask, maskp, draw.Src)
		gl.dr, gl.mask = dr, m
	}
	g.masks[key] = gl
	return gl, ok
}

// rasterImages pools chart images by size.
var rasterImages = imagePool{pools: map[image.Point]*sync.Pool{}}

type imagePool struct {
	mu    sync.Mutex
	pools map[image.Point]*sync.Pool
}

func (p *imagePool) pool(size image.Point) *sync.Pool {
	p.mu.Lock()
	defer p.mu.Unlock()
	sp, ok := p.pools[size]
	if !ok {
		sp = &sync.Pool{New: func() any { return image.NewRGBA(image.Rectangle{Max: size}) }}
		p.pools[size] = sp
	}
	return sp
}

func (p *imagePool) get(size image.Point) *image.RGBA { return p.pool(size).Get().(*image.RGBA) }

func (p *imagePool) put(img *image.RGBA) { p.pool(img.Rect.Max).Put(img) }
