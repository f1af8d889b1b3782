package sheets

import (
	"encoding/xml"
	"fmt"
	"strconv"
)

// readText returns the displayed text of the cell whose start tag was just
// read, consuming its content up to and including its end tag: paragraphs
// joined with "\n", white space collapsed as ODF 1.2 §6.1.2 says, text:s,
// text:tab and text:line-break honoured, annotations, notes and drawings
// left out.
func (s *odsSource) readText() (string, error) {
	t := &s.text
	t.reset(s.limits.MaxCellBytes)
	depth, paraDepth := 0, -1
	for {
		tok, err := s.dec.Token()
		if err != nil {
			return "", corrupt(err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			switch {
			case e.Name.Space == nsText && e.Name.Local == "s":
				n := 1
				if c, ok := attr(e, nsText, "c"); ok {
					if n, err = strconv.Atoi(c); err != nil || n < 0 {
						return "", fmt.Errorf("%w: text:c=%q", ErrCorrupt, c)
					}
				}
				t.spaces(n)
			case e.Name.Space == nsText && e.Name.Local == "tab":
				t.special('\t')
			case e.Name.Space == nsText && e.Name.Local == "line-break":
				t.special('\n')
			case excludedFromText(e.Name):
			default:
				if e.Name.Space == nsText && (e.Name.Local == "p" || e.Name.Local == "h") && paraDepth < 0 {
					t.startPara()
					paraDepth = depth
				}
				depth++
				continue
			}
			if err := s.dec.Skip(); err != nil {
				return "", corrupt(err)
			}
		case xml.EndElement:
			if depth == 0 {
				return t.String(), t.err
			}
			depth--
			if depth == paraDepth {
				t.endPara()
				paraDepth = -1
			}
		case xml.CharData:
			if paraDepth >= 0 {
				t.chars(e)
			}
		}
		if t.err != nil {
			return "", t.err
		}
	}
}

// excludedFromText reports elements whose content is not part of a cell's
// displayed text.
func excludedFromText(n xml.Name) bool {
	switch n.Space {
	case nsOffice:
		return n.Local == "annotation" || n.Local == "annotation-end"
	case nsText:
		return n.Local == "note" || n.Local == "ruby-text" || n.Local == "note-body"
	case nsDraw, nsDr3d, nsTable:
		return true
	}
	return false
}

// textBuilder accumulates a cell's text with ODF white-space collapsing.
type textBuilder struct {
	buf      []byte
	max      int
	paras    int
	prevWS   bool // the last character was white space (or none yet)
	trailing bool // the last character is a collapsible space
	err      error
}

func (t *textBuilder) reset(max int) {
	t.buf, t.max, t.paras, t.err = t.buf[:0], max, 0, nil
}

func (t *textBuilder) put(c byte) {
	if len(t.buf) >= t.max {
		t.err = fmt.Errorf("%w: cell text longer than Limits.MaxCellBytes", ErrTooLarge)
		return
	}
	t.buf = append(t.buf, c)
}

func (t *textBuilder) startPara() {
	if t.paras > 0 {
		t.put('\n')
	}
	t.paras++
	t.prevWS, t.trailing = true, false
}

func (t *textBuilder) endPara() {
	if t.trailing {
		t.buf = t.buf[:len(t.buf)-1]
		t.trailing = false
	}
}

func (t *textBuilder) chars(d []byte) {
	for _, c := range d {
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			if !t.prevWS {
				t.put(' ')
				t.prevWS, t.trailing = true, true
			}
			continue
		}
		t.put(c)
		t.prevWS, t.trailing = false, false
	}
}

func (t *textBuilder) spaces(n int) {
	if n > t.max-len(t.buf) {
		t.err = fmt.Errorf("%w: cell text longer than Limits.MaxCellBytes", ErrTooLarge)
		return
	}
	for range n {
		t.buf = append(t.buf, ' ')
	}
	t.prevWS, t.trailing = true, false
}

func (t *textBuilder) special(c byte) {
	t.put(c)
	t.prevWS, t.trailing = true, false
}

func (t *textBuilder) String() string { return string(t.buf) }
