package fetch

import (
	"bytes"
	"fmt"
	"mime"
	"path"
	"strings"

	"github.com/cornerstone-data/cornerstone/internal/filetype"
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
const sniffLen = filetype.HeadSize

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

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

// sniff checks a body's Content-Type and first bytes (head, up to sniffLen) against expect, with
// the detector internal/filetype shares with the workbook reader. It returns an error matching
// ErrHTML for an HTML page where data was expected (a text/html Content-Type is overlooked when the
// bytes carry the expected binary or JSON signature, since misconfigured servers exist), an error
// matching ErrUnexpectedFormat when the bytes do not match expect, and nil otherwise. kindPage
// accepts anything.
func sniff(expect Kind, contentType string, head []byte) error {
	if expect == kindPage {
		return nil
	}
	if isHTMLType(contentType) && !hasSignature(expect, head) || filetype.Detect(head) == filetype.HTML {
		if title := htmlTitle(head); title != "" {
			return fmt.Errorf("%w (titled %q)", ErrHTML, title)
		}
		return ErrHTML
	}
	return checkKind(expect, head)
}

// checkKind reports whether head can start a file of kind k. A CSV is any text without NUL bytes,
// or UTF-16 text.
func checkKind(k Kind, head []byte) error {
	typ := filetype.Detect(head)
	ok := true
	switch k {
	case KindCSV:
		ok = typ == filetype.UTF16 || bytes.IndexByte(head[:min(len(head), sniffLen)], 0) < 0
	case KindXLSX:
		ok = typ == filetype.Zip && filetype.ZipPackage(head) != filetype.OpenDocument
	case KindODS:
		ok = typ == filetype.Zip && filetype.ZipPackage(head) != filetype.OfficeOpenXML
	case KindZip:
		ok = typ == filetype.Zip
	case KindXLS:
		ok = typ == filetype.OLE2
	case KindJSON:
		ok = typ == filetype.JSON
	}
	if ok {
		return nil
	}
	return fmt.Errorf("%w: expected %s, got %s", ErrUnexpectedFormat, k, filetype.Describe(head))
}

// hasSignature reports whether head carries the positive signature of k (kinds with none never do).
func hasSignature(k Kind, head []byte) bool {
	switch typ := filetype.Detect(head); k {
	case KindXLSX, KindODS, KindZip:
		return typ == filetype.Zip
	case KindXLS:
		return typ == filetype.OLE2
	case KindJSON:
		return typ == filetype.JSON
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
