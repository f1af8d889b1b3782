package sheets

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// indexODS finds the tables (sheets) of content.xml and the byte offset of
// each one's start tag, without parsing the tables themselves, so that
// reading every sheet parses content.xml once in all. It decodes the XML up
// to office:spreadsheet to learn the namespace prefixes in scope, then scans
// the rest for the start and end tags of table:table. The scan is exact
// because a raw '<' can only begin markup: character data and attribute
// values must escape it, and comments, CDATA sections and processing
// instructions, where it may appear, are skipped. Rows later checks that a
// table start tag stands at the recorded offset.
func indexODS(pkg *zipPkg) ([]odsSheet, error) {
	rc, err := pkg.open("content.xml")
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	var scopes [][]xml.Attr // namespace declarations of the open elements
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil, nil // no office:spreadsheet: no sheets
		}
		if err != nil {
			return nil, corrupt(fmt.Errorf("content.xml: %w", err))
		}
		switch t := tok.(type) {
		case xml.StartElement:
			scopes = append(scopes, nsDecls(t.Attr))
			if t.Name.Space == nsOffice && t.Name.Local == "spreadsheet" {
				return scanTables(pkg, dec.InputOffset(), scopes)
			}
		case xml.EndElement:
			scopes = scopes[:len(scopes)-1]
		}
	}
}

// scanTables scans content.xml from offset for the top-level tables.
func scanTables(pkg *zipPkg, offset int64, scopes [][]xml.Attr) ([]odsSheet, error) {
	qname, ok := qualifiedName(scopes, nsTable, "table")
	if !ok {
		return nil, nil // the table namespace is not even declared
	}
	pre := prelude(scopes)
	rc, err := pkg.open("content.xml")
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	if _, err := io.CopyN(io.Discard, rc, offset); err != nil {
		return nil, corrupt(err)
	}
	s := &tagScanner{r: bufio.NewReaderSize(rc, 64<<10), pos: offset}
	var sheets []odsSheet
	depth := 0
	for {
		kind, start, err := s.nextTag(qname)
		if err == io.EOF {
			if depth != 0 {
				return nil, fmt.Errorf("%w: content.xml ends inside a table", ErrCorrupt)
			}
			return sheets, nil
		}
		if err != nil {
			return nil, corrupt(fmt.Errorf("content.xml: %w", err))
		}
		switch kind {
		case tagEnd:
			depth--
		case tagStart, tagEmpty:
			if depth == 0 {
				name, err := tableName(pre, s.tag)
				if err != nil {
					return nil, err
				}
				sheets = append(sheets, odsSheet{name: name, offset: start, prelude: pre})
			}
			if kind == tagStart {
				depth++
			}
		}
	}
}

// tableName decodes the table:name attribute of a table start tag.
func tableName(prelude string, tag []byte) (string, error) {
	dec := xml.NewDecoder(io.MultiReader(strings.NewReader(prelude), bytes.NewReader(tag)))
	for range 2 {
		tok, err := dec.Token()
		if err != nil {
			return "", corrupt(fmt.Errorf("content.xml table tag: %w", err))
		}
		if t, ok := tok.(xml.StartElement); ok && t.Name.Space == nsTable && t.Name.Local == "table" {
			name, _ := attr(t, nsTable, "name")
			return name, nil
		}
	}
	return "", fmt.Errorf("%w: content.xml: malformed table tag", ErrCorrupt)
}

// qualifiedName returns the name under which the innermost declaration in
// scopes binds local in namespace space ("table:table", or "table" for a
// default namespace).
func qualifiedName(scopes [][]xml.Attr, space, local string) (string, bool) {
	for i := len(scopes) - 1; i >= 0; i-- {
		for _, a := range scopes[i] {
			if a.Value != space {
				continue
			}
			if a.Name.Space == "xmlns" {
				return a.Name.Local + ":" + local, true
			}
			return local, true // xmlns="..."
		}
	}
	return "", false
}

type tagKind int

const (
	tagStart tagKind = iota + 1
	tagEmpty         // a self-closing start tag
	tagEnd
)

// maxTagBytes bounds a table start tag.
const maxTagBytes = 1 << 20

// tagScanner finds the tags with one qualified name in an XML byte stream.
type tagScanner struct {
	r   *bufio.Reader
	pos int64  // offset of the next byte to read
	tag []byte // the last start tag found
}

// nextTag returns the kind and offset of the next start or end tag named
// qname; for a start tag, s.tag holds its bytes.
func (s *tagScanner) nextTag(qname string) (tagKind, int64, error) {
	for {
		if err := s.skipPast("<"); err != nil {
			return 0, 0, err
		}
		start := s.pos - 1
		head, _ := s.r.Peek(max(len(qname)+2, len("![CDATA[")))
		switch {
		case bytes.HasPrefix(head, []byte("!--")):
			if err := s.skipPast("-->"); err != nil {
				return 0, 0, unexpected(err)
			}
		case bytes.HasPrefix(head, []byte("![CDATA[")):
			if err := s.skipPast("]]>"); err != nil {
				return 0, 0, unexpected(err)
			}
		case bytes.HasPrefix(head, []byte("?")):
			if err := s.skipPast("?>"); err != nil {
				return 0, 0, unexpected(err)
			}
		case bytes.HasPrefix(head, []byte("!")):
			if err := s.skipPast(">"); err != nil {
				return 0, 0, unexpected(err)
			}
		case len(head) > len(qname)+1 && head[0] == '/' && string(head[1:1+len(qname)]) == qname && isNameEnd(head[1+len(qname)]):
			return tagEnd, start, nil
		case len(head) > len(qname) && string(head[:len(qname)]) == qname && isNameEnd(head[len(qname)]):
			empty, err := s.readTag()
			if err != nil {
				return 0, 0, err
			}
			if empty {
				return tagEmpty, start, nil
			}
			return tagStart, start, nil
		}
	}
}

func isNameEnd(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/' || c == '>'
}

// readTag reads the rest of a start tag whose '<' was just read into s.tag,
// honouring quoted attribute values, and reports whether it is self-closing.
func (s *tagScanner) readTag() (bool, error) {
	s.tag = append(s.tag[:0], '<')
	var quote byte
	for {
		c, err := s.r.ReadByte()
		if err != nil {
			return false, unexpected(err)
		}
		s.pos++
		if len(s.tag) >= maxTagBytes {
			return false, fmt.Errorf("%w: a table tag longer than %d bytes", ErrTooLarge, maxTagBytes)
		}
		s.tag = append(s.tag, c)
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return s.tag[len(s.tag)-2] == '/', nil
		}
	}
}

// skipPast consumes input up to and including delim.
func (s *tagScanner) skipPast(delim string) error {
	last, need := delim[len(delim)-1], len(delim)-1
	var prev []byte // the last bytes read before the current chunk, at most need of them
	for {
		chunk, err := s.r.ReadSlice(last)
		s.pos += int64(len(chunk))
		switch {
		case err == nil:
			if before := tail(prev, chunk[:len(chunk)-1], need); len(before) == need && string(before) == delim[:need] {
				return nil
			}
		case err != bufio.ErrBufferFull:
			return err
		}
		prev = tail(prev, chunk, need)
	}
}

// tail returns the last n bytes of a followed by b, in a new slice.
func tail(a, b []byte, n int) []byte {
	if len(b) >= n {
		return append([]byte(nil), b[len(b)-n:]...)
	}
	joined := append(append([]byte(nil), a...), b...)
	return joined[max(0, len(joined)-n):]
}

func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// nsDecls returns the namespace declarations among attrs.
func nsDecls(attrs []xml.Attr) []xml.Attr {
	var decls []xml.Attr
	for _, a := range attrs {
		if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
			decls = append(decls, a)
		}
	}
	return decls
}

// prelude returns a start tag that re-declares the namespaces of scopes,
// so that a decoder started in the middle of content.xml resolves the same
// prefixes.
func prelude(scopes [][]xml.Attr) string {
	var b strings.Builder
	b.WriteString("<sheets-prelude")
	for _, decls := range scopes {
		for _, a := range decls {
			b.WriteByte(' ')
			if a.Name.Space == "xmlns" {
				b.WriteString("xmlns:")
			}
			b.WriteString(a.Name.Local)
			b.WriteString(`="`)
			xml.EscapeText(&b, []byte(a.Value))
			b.WriteByte('"')
		}
	}
	b.WriteByte('>')
	return b.String()
}
