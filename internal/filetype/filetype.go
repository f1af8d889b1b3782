// Package filetype tells what a file is from its first bytes. It is the one detector behind the
// fetch layer's check that a download is what it should be (sources/fetch), the workbook reader's
// choice of format (internal/sheets) and the 360Giving reader's choice between JSON and a
// spreadsheet: magic numbers, byte-order marks, HTML, XML and JSON openings, and what the first
// entry of a zip archive says it packages.
//
// Detect needs only a head of the file (HeadSize bytes, or the whole file when it is shorter), so
// a download is checked as its first bytes arrive. Each caller decides what it accepts.
package filetype

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
)

// HeadSize is how many leading bytes Detect and Describe should be given.
const HeadSize = 8 << 10

// Type is what a file's first bytes say it is.
type Type int

// Types, in the order Detect tries them.
const (
	Empty    Type = iota // no bytes
	Zip                  // a zip archive (XLSX, ODS or another package: see ZipPackage)
	EmptyZip             // an empty zip archive
	OLE2                 // an OLE2 compound file: a legacy Excel 97-2003 .xls
	OldExcel             // an Excel 2.x-4.x worksheet (BIFF2-4)
	UTF16                // text with a UTF-16 byte-order mark
	PDF                  // a PDF document
	HTML                 // an HTML page: <!doctype html, <html, <head or <body, after a BOM, space, an XML declaration or comments
	XML                  // another XML document
	JSON                 // { or [ after a BOM and space
	Binary               // NUL bytes and none of the above
	Text                 // none of the above: text such as CSV
)

var typeNames = [...]string{"empty", "zip", "empty zip", "OLE2", "Excel 2.x-4.x", "UTF-16 text", "PDF", "HTML",
	"XML", "JSON", "binary", "text"}

// String returns the type's name ("zip", "OLE2", "HTML"…).
func (t Type) String() string {
	if t < 0 || int(t) >= len(typeNames) {
		return fmt.Sprintf("Type(%d)", int(t))
	}
	return typeNames[t]
}

var (
	zipMagic      = []byte("PK\x03\x04")
	zipEmptyMagic = []byte("PK\x05\x06")
	ole2Magic     = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
	utf8BOM       = []byte{0xEF, 0xBB, 0xBF}
	utf16LEBOM    = []byte{0xFF, 0xFE}
	utf16BEBOM    = []byte{0xFE, 0xFF}
	htmlStarts    = [][]byte{[]byte("<!doctype html"), []byte("<html"), []byte("<head"), []byte("<body")}
)

// Detect returns what head, the first bytes of a file, says the file is.
func Detect(head []byte) Type {
	switch {
	case len(head) == 0:
		return Empty
	case bytes.HasPrefix(head, zipMagic):
		return Zip
	case bytes.HasPrefix(head, zipEmptyMagic):
		return EmptyZip
	case bytes.HasPrefix(head, ole2Magic):
		return OLE2
	case len(head) >= 4 && head[0] == 0x09 && head[2] <= 0x10 && head[3] == 0 && (head[1] == 0x00 || head[1] == 0x02 || head[1] == 0x04):
		return OldExcel // a BOF record of BIFF2, 3 or 4
	case bytes.HasPrefix(head, utf16LEBOM) || bytes.HasPrefix(head, utf16BEBOM):
		return UTF16
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return PDF
	case looksLikeHTML(head):
		return HTML
	}
	b := trimLeft(head)
	switch {
	case len(b) >= 5 && bytes.EqualFold(b[:5], []byte("<?xml")):
		return XML
	case len(b) > 0 && (b[0] == '{' || b[0] == '['):
		return JSON
	case bytes.IndexByte(head, 0) >= 0:
		return Binary
	}
	return Text
}

// Package is what a zip archive's first entry says the archive packages.
type Package int

// Packages.
const (
	UnknownPackage Package = iota // the first entry says nothing (or head holds none)
	OpenDocument                  // a "mimetype" entry naming an OpenDocument type (ODS, ODT…)
	OfficeOpenXML                 // [Content_Types].xml, or a part under xl/ or _rels/ (XLSX, DOCX…)
)

// String returns the package's name: "unknown package", "OpenDocument" or "Office Open XML".
func (p Package) String() string {
	switch p {
	case OpenDocument:
		return "OpenDocument"
	case OfficeOpenXML:
		return "Office Open XML"
	}
	return "unknown package"
}

// OpenDocumentMimetype prefixes the "mimetype" entry of every OpenDocument package, and
// SpreadsheetMimetype that of an ODS.
const (
	OpenDocumentMimetype = "application/vnd.oasis.opendocument."
	SpreadsheetMimetype  = "application/vnd.oasis.opendocument.spreadsheet"
)

// ZipPackage returns what the first local entry of the zip archive starting head packages.
func ZipPackage(head []byte) Package {
	name, data := zipFirstEntry(head)
	switch {
	case name == "mimetype" && bytes.HasPrefix(data, []byte(OpenDocumentMimetype)):
		return OpenDocument
	case name == "[Content_Types].xml" || strings.HasPrefix(name, "xl/") || strings.HasPrefix(name, "_rels/"):
		return OfficeOpenXML
	}
	return UnknownPackage
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

// Describe names what head looks like, for error messages ("an OpenDocument file (ODS?)",
// "a PDF", "text starting \"a,b\"").
func Describe(head []byte) string {
	switch Detect(head) {
	case Empty:
		return "no bytes"
	case Zip:
		switch ZipPackage(head) {
		case OpenDocument:
			return "an OpenDocument file (ODS?)"
		case OfficeOpenXML:
			return "an Office Open XML file (XLSX?)"
		}
		return "a zip archive"
	case EmptyZip:
		return "an empty zip archive"
	case OLE2:
		return "an OLE2 file (legacy XLS?)"
	case OldExcel:
		return "an Excel 2.x-4.x file"
	case UTF16:
		return "UTF-16 text"
	case PDF:
		return "a PDF"
	case HTML:
		return "an HTML page"
	case XML:
		return "an XML document"
	case JSON:
		return "JSON"
	case Binary:
		return "binary data"
	}
	return fmt.Sprintf("text starting %q", strings.ToValidUTF8(string(head[:min(len(head), 32)]), "?"))
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

// trimLeft drops a leading UTF-8 BOM and ASCII whitespace.
func trimLeft(b []byte) []byte {
	b = bytes.TrimPrefix(b, utf8BOM)
	return bytes.TrimLeft(b, " \t\r\n\f\v")
}
