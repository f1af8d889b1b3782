package fetch

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"mime"
	"path"
	"strings"
)

// Kind is what a download is expected to be. The client checks the first bytes it receives
// against it and fails with ErrUnexpectedFormat on a mismatch.
type Kind int

// Kinds of download. KindAny checks nothing beyond rejecting HTML pages.
const (
	KindAny Kind = iota
	KindCSV
	KindXLSX
	KindODS
	KindXLS
	KindJSON
	KindZip
)

// kindPage is GetPage's expectation: an HTML page, so nothing is rejected.
const kindPage Kind = -1

// sniffLen is how many leading bytes are checked against the expected Kind.
const sniffLen = 8 << 10

var (
	utf8BOM    = []byte{0xEF, 0xBB, 0xBF}
	zipMagic   = []byte("PK\x03\x04")
	ole2Magic  = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	htmlStarts = [][]byte{[]byte("<!doctype html"), []byte("<html"), []byte("<head"), []byte("<body")}
)

// String returns the kind's usual name: "any", "CSV", "XLSX", "ODS", "XLS", "JSON" or "ZIP".
func (k Kind) String() string {
	switch k {
	case KindAny:
		return "any"
	case KindCSV:
		return "CSV"
	case KindXLSX:
		return "XLSX"
	case KindODS:
		return "ODS"
	case KindXLS:
		return "XLS"
	case KindJSON:
		return "JSON"
	case KindZip:
		return "ZIP"
	case kindPage:
		return "HTML page"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// KindFromName returns the Kind for a file name or URL by its extension (case-insensitive, query
// and fragment ignored): .csv, .xlsx, .ods, .xls, .json or .zip; anything else is KindAny.
func KindFromName(name string) Kind {
	name, _, _ = strings.Cut(name, "#")
	name, _, _ = strings.Cut(name, "?")
	switch strings.ToLower(path.Ext(name)) {
	case ".csv":
		return KindCSV
	case ".xlsx":
		return KindXLSX
	case ".ods":
		return KindODS
	case ".xls":
		return KindXLS
	case ".json":
		return KindJSON
	case ".zip":
		return KindZip
	}
	return KindAny
}

// sniff checks a body's Content-Type and first bytes (head, up to sniffLen) against expect. It
// returns an error matching ErrHTML for an HTML page where data was expected (a text/html
// Content-Type is overlooked when the bytes carry the expected binary or JSON signature, since
// misconfigured servers exist), an error matching ErrUnexpectedFormat when the bytes do not match
// expect, and nil otherwise. kindPage accepts anything.
func sniff(expect Kind, contentType string, head []byte) error {
	if expect == kindPage {
		return nil
	}
	if isHTMLType(contentType) && !hasSignature(expect, head) || looksLikeHTML(head) {
		if title := htmlTitle(head); title != "" {
			return fmt.Errorf("%w (titled %q)", ErrHTML, title)
		}
		return ErrHTML
	}
	return checkKind(expect, head)
}

// checkKind reports whether head can start a file of kind k.
func checkKind(k Kind, head []byte) error {
	ok := true
	switch k {
	case KindCSV:
		ok = bytes.HasPrefix(head, []byte{0xFF, 0xFE}) || bytes.HasPrefix(head, []byte{0xFE, 0xFF}) ||
			bytes.IndexByte(head[:min(len(head), sniffLen)], 0) < 0
	case KindXLSX:
		name, data := zipFirstEntry(head)
		ok = bytes.HasPrefix(head, zipMagic) && !isODFMimetype(name, data)
	case KindODS:
		name, _ := zipFirstEntry(head)
		ok = bytes.HasPrefix(head, zipMagic) && name != "[Content_Types].xml"
	case KindZip:
		ok = bytes.HasPrefix(head, zipMagic)
	case KindXLS:
		ok = bytes.HasPrefix(head, ole2Magic)
	case KindJSON:
		ok = startsJSON(head)
	}
	if ok {
		return nil
	}
	return fmt.Errorf("%w: expected %s, got %s", ErrUnexpectedFormat, k, describe(head))
}

// hasSignature reports whether head carries the positive signature of k (kinds with none never do).
func hasSignature(k Kind, head []byte) bool {
	switch k {
	case KindXLSX, KindODS, KindZip:
		return bytes.HasPrefix(head, zipMagic)
	case KindXLS:
		return bytes.HasPrefix(head, ole2Magic)
	case KindJSON:
		return startsJSON(head)
	}
	return false
}

// isHTMLType reports whether a Content-Type header names an HTML document.
func isHTMLType(contentType string) bool {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(contentType, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	return mt == "text/html" || mt == "application/xhtml+xml"
}

// looksLikeHTML reports whether head starts, after an optional UTF-8 BOM, whitespace, an XML
// declaration and comments, with <!doctype html, <html, <head or <body (case-insensitively).
func looksLikeHTML(head []byte) bool {
	b := trimLeft(head)
	for range 8 {
		var end []byte
		switch {
		case bytes.HasPrefix(b, []byte("<?xml")):
			end = []byte("?>")
		case bytes.HasPrefix(b, []byte("<!--")):
			end = []byte("-->")
		}
		if end == nil {
			break
		}
		i := bytes.Index(b, end)
		if i < 0 {
			return false
		}
		b = trimLeft(b[i+len(end):])
	}
	for _, p := range htmlStarts {
		if len(b) >= len(p) && bytes.EqualFold(b[:len(p)], p) {
			return true
		}
	}
	return false
}

// htmlTitle returns the text of the first <title> element in head, trimmed to 80 bytes, or "".
func htmlTitle(head []byte) string {
	lower := asciiLower(head)
	i := bytes.Index(lower, []byte("<title"))
	if i < 0 {
		return ""
	}
	j := bytes.IndexByte(lower[i:], '>')
	if j < 0 {
		return ""
	}
	start := i + j + 1
	k := bytes.Index(lower[start:], []byte("</title"))
	if k < 0 {
		return ""
	}
	title := strings.Join(strings.Fields(string(head[start:start+k])), " ")
	if len(title) > 80 {
		title = strings.ToValidUTF8(title[:80], "") + "…"
	}
	return title
}

// startsJSON reports whether head starts, after an optional UTF-8 BOM and whitespace, with { or [.
func startsJSON(head []byte) bool {
	b := trimLeft(head)
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

// trimLeft drops a leading UTF-8 BOM and ASCII whitespace.
func trimLeft(b []byte) []byte {
	b = bytes.TrimPrefix(b, utf8BOM)
	return bytes.TrimLeft(b, " \t\r\n\f\v")
}

// zipFirstEntry returns the name and (for a stored entry, as far as head holds it) the data of a
// zip archive's first local file entry, or "" and nil when head does not hold one.
func zipFirstEntry(head []byte) (string, []byte) {
	const hdr = 30
	if len(head) < hdr || !bytes.HasPrefix(head, zipMagic) {
		return "", nil
	}
	method := binary.LittleEndian.Uint16(head[8:])
	size := int(binary.LittleEndian.Uint32(head[18:]) & 0x7fffffff)
	nameLen := int(binary.LittleEndian.Uint16(head[26:]))
	extraLen := int(binary.LittleEndian.Uint16(head[28:]))
	if len(head) < hdr+nameLen {
		return "", nil
	}
	name := string(head[hdr : hdr+nameLen])
	start := hdr + nameLen + extraLen
	if method != 0 || start > len(head) {
		return name, nil
	}
	data := head[start:]
	if size > 0 && size < len(data) { // size 0: sizes may follow the data in a descriptor
		data = data[:size]
	}
	return name, data
}

// isODFMimetype reports whether a zip's first entry is an OpenDocument mimetype file.
func isODFMimetype(name string, data []byte) bool {
	return name == "mimetype" && bytes.HasPrefix(data, []byte("application/vnd.oasis.opendocument"))
}

// describe names what head looks like, for error messages.
func describe(head []byte) string {
	switch {
	case len(head) == 0:
		return "no bytes"
	case bytes.HasPrefix(head, zipMagic):
		name, data := zipFirstEntry(head)
		switch {
		case isODFMimetype(name, data):
			return "an OpenDocument file (ODS?)"
		case name == "[Content_Types].xml" || strings.HasPrefix(name, "xl/") || strings.HasPrefix(name, "_rels/"):
			return "an Office Open XML file (XLSX?)"
		}
		return "a zip archive"
	case bytes.HasPrefix(head, ole2Magic):
		return "an OLE2 file (legacy XLS?)"
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return "a PDF"
	case looksLikeHTML(head):
		return "an HTML page"
	case startsJSON(head):
		return "JSON"
	case bytes.IndexByte(head, 0) >= 0:
		return "binary data"
	}
	return fmt.Sprintf("text starting %q", strings.ToValidUTF8(string(head[:min(len(head), 32)]), "?"))
}

// asciiLower returns a copy of b with ASCII letters lowered; unlike bytes.ToLower it keeps every
// byte at its offset.
func asciiLower(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

// Sniff checks the first bytes of a file (at least the first 8 KiB when the file is that long)
// against what it should be: it returns an error matching ErrHTML for an HTML page, ErrUnexpectedFormat
// when the bytes do not match expect, and nil otherwise. contentType may be empty (local files).
// The ingest of --from files uses it so a local file gets the same checks as a download.
func Sniff(head []byte, contentType string, expect Kind) error {
	if expect == kindPage {
		return nil
	}
	return sniff(expect, contentType, head)
}
