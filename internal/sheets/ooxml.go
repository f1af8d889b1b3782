package sheets

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// readRels reads a relationships part; targets are resolved against dir.
func readRels(pkg *zipPkg, name, dir string) (map[string]relationship, error) {
	rc, err := pkg.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	rels := map[string]relationship{}
	dec := xml.NewDecoder(rc)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return rels, nil
		}
		if err != nil {
			return nil, corrupt(fmt.Errorf("%s: %w", name, err))
		}
		t, ok := tok.(xml.StartElement)
		if !ok || t.Name.Local != "Relationship" {
			continue
		}
		if mode, _ := attrLocal(t, "TargetMode"); mode == "External" {
			continue
		}
		id, _ := attrLocal(t, "Id")
		typ, _ := attrLocal(t, "Type")
		target, _ := attrLocal(t, "Target")
		if strings.Contains(target, "%") {
			if u, err := url.PathUnescape(target); err == nil {
				target = u
			}
		}
		target = strings.ReplaceAll(target, "\\", "/")
		if strings.HasPrefix(target, "/") {
			target = path.Clean(target)[1:]
		} else {
			target = path.Join(dir, target)
		}
		rels[id] = relationship{typ: typ, target: target}
	}
}

// readRichText returns the text of an <si> or <is> element whose start tag
// was just read: its <t> elements, directly or in <r> runs, without
// phonetic runs, with _xHHHH_ escapes decoded.
func readRichText(dec *xml.Decoder, maxBytes int) (string, error) {
	var b strings.Builder
	for depth := 0; ; {
		tok, err := dec.Token()
		if err != nil {
			return "", corrupt(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				s, err := readElementText(dec, maxBytes-b.Len())
				if err != nil {
					return "", err
				}
				b.WriteString(s)
			case "rPh", "phoneticPr", "rPr":
				if err := dec.Skip(); err != nil {
					return "", corrupt(err)
				}
			default:
				depth++
			}
		case xml.EndElement:
			if depth == 0 {
				return decodeXEscapes(b.String()), nil
			}
			depth--
		}
	}
}

// readElementText returns the character data of the element whose start
// tag was just read, consuming its end tag.
func readElementText(dec *xml.Decoder, maxBytes int) (string, error) {
	var b []byte
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", corrupt(err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(b)+len(t) > maxBytes {
				return "", fmt.Errorf("%w: cell text longer than Limits.MaxCellBytes", ErrTooLarge)
			}
			b = append(b, t...)
		case xml.StartElement:
			if err := dec.Skip(); err != nil {
				return "", corrupt(err)
			}
		case xml.EndElement:
			return string(b), nil
		}
	}
}

// decodeXEscapes decodes the _xHHHH_ escapes of OOXML strings ("_x000D_"
// is a carriage return, "_x005F_" a literal underscore).
func decodeXEscapes(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if r, ok := xEscape(s[i:]); ok {
			i += 7
			if utf16.IsSurrogate(r) {
				if r2, ok := xEscape(s[i:]); ok {
					if c := utf16.DecodeRune(r, r2); c != utf8.RuneError {
						b.WriteRune(c)
						i += 7
						continue
					}
				}
				r = utf8.RuneError
			}
			b.WriteRune(r)
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func xEscape(s string) (rune, bool) {
	if len(s) < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_' {
		return 0, false
	}
	n, err := strconv.ParseUint(s[2:6], 16, 16)
	return rune(n), err == nil
}

// parseColRef returns the 0-based column of a cell reference such as "AB12".
func parseColRef(ref string) (int, bool) {
	col, i := 0, 0
	for ; i < len(ref) && i < 4; i++ {
		c := ref[i] | 0x20 // lower case
		if c < 'a' || c > 'z' {
			break
		}
		col = col*26 + int(c-'a') + 1
	}
	if i == 0 || i == 4 {
		return 0, false
	}
	return col - 1, true
}

// attrLocal returns the value of the attribute with the given local name,
// whatever its namespace.
func attrLocal(e xml.StartElement, local string) (string, bool) {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}
