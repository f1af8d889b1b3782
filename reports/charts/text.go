package charts

import (
	"sync"
	"sync/atomic"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// textHandler is gonum's plain text handler with its measurements cached: a site measures the
// same tick labels, titles and footer words on thousands of charts, and each measurement walks
// the font's glyph advances and kerning. Safe for concurrent use; results are the plain
// handler's.
var textHandler text.Handler = &measured{Plain: plot.DefaultTextHandler.(text.Plain)}

// maxMeasured bounds the cache; beyond it, text is measured each time.
const maxMeasured = 1 << 17

type measured struct {
	text.Plain
	boxes   sync.Map // boxKey → box
	extents sync.Map // font.Font → font.Extents
	n       atomic.Int64
}

type boxKey struct {
	txt string
	fnt font.Font
}

type box struct{ width, height, depth vg.Length }

func (m *measured) Box(txt string, fnt font.Font) (width, height, depth vg.Length) {
	k := boxKey{txt, fnt}
	if b, ok := m.boxes.Load(k); ok {
		b := b.(box)
		return b.width, b.height, b.depth
	}
	width, height, depth = m.Plain.Box(txt, fnt)
	if m.n.Load() < maxMeasured {
		if _, loaded := m.boxes.LoadOrStore(k, box{width, height, depth}); !loaded {
			m.n.Add(1)
		}
	}
	return width, height, depth
}

func (m *measured) Extents(fnt font.Font) font.Extents {
	if e, ok := m.extents.Load(fnt); ok {
		return e.(font.Extents)
	}
	e := m.Plain.Extents(fnt)
	m.extents.Store(fnt, e)
	return e
}
