// Package demo generates Cornerstone's synthetic sample and serves it on loopback at the
// publishers' real URL shapes, so `cornerstone demo` runs the whole pipeline offline through the
// same discovery, fetch, landing and readers as a live run.
//
// Every file is written by code here, deterministically (the same bytes on every run), in the
// publishers' real formats: workbooks with the same sheets, title rows and headers, JSON pages with
// the same fields. Area identities are real; every figure is synthetic and the files say so.
package demo

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/cornerstone-data/cornerstone/internal/sheets/sheetwrite"
)

// Label marks every demo output.
const Label = "DEMO DATA - synthetic figures"

// File is one file of the sample.
type File struct {
	ContentType string
	Body        []byte
	Modified    time.Time
	// Path, when set, is a file on disk served instead of Body (the national sample's large
	// files), with ETag its entity tag.
	Path, ETag string
}

// Sample is the generated sample: files by canonical URL (see Key).
type Sample struct {
	Files map[string]File
}

// Key canonicalises a URL for lookup: host + path + sorted, escaped query.
func Key(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	k := u.Host + u.EscapedPath()
	if q := u.Query(); len(q) > 0 {
		k += "?" + q.Encode()
	}
	return k, nil
}

func (s *Sample) add(rawURL, contentType string, body []byte, modified time.Time) {
	k, err := Key(rawURL)
	if err != nil {
		panic(fmt.Sprintf("demo: bad sample URL %q: %v", rawURL, err))
	}
	s.Files[k] = File{ContentType: contentType, Body: body, Modified: modified}
}

// URLs returns the sample's keys, sorted.
func (s *Sample) URLs() []string {
	out := make([]string, 0, len(s.Files))
	for k := range s.Files {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Generate builds the whole sample. It is deterministic: the same bytes on every call.
func Generate() (*Sample, error) {
	return generate(&generator{areas: SampleAreas})
}

func generate(g *generator) (*Sample, error) {
	s := &Sample{Files: map[string]File{}}
	for _, step := range []func(*Sample) error{g.register, g.arcgis, g.ons, g.imd, g.mhclg, g.aceLibraries, g.aceFunding, g.threeSixtyGiving, g.dcms, g.hmt} {
		if err := step(s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

type generator struct {
	areas []Area
	// seriesFrom is the first financial year (starting April) of the revenue time series: 2017
	// unless set.
	seriesFrom int
}

// Content types publishers serve.
const (
	ctXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	ctODS  = "application/vnd.oasis.opendocument.spreadsheet"
	ctCSV  = "text/csv; charset=utf-8"
	ctJSON = "application/json; charset=utf-8"
	ctHTML = "text/html; charset=utf-8"
)

// sheet is one worksheet to write: string, int, int64, float64, nil cells.
type sheet = sheetwrite.Sheet

// fixedTime is the timestamp written into every generated workbook, so bytes never depend on the
// clock.
var fixedTime = time.Date(2025, 7, 1, 9, 30, 0, 0, time.UTC)

// XLSX writes sheets into a deterministic XLSX workbook.
func XLSX(sheets ...sheet) ([]byte, error) { return writeXLSX(sheets) }

// writeXLSX writes sheets into a deterministic XLSX workbook.
func writeXLSX(sheets []sheet) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetDocProps(&excelize.DocProperties{
		Creator: "Cornerstone demo generator", Title: Label, Description: Label,
		Created: fixedTime.Format(time.RFC3339), Modified: fixedTime.Format(time.RFC3339),
	}); err != nil {
		return nil, err
	}
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.Name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(sh.Name); err != nil {
			return nil, err
		}
		sw, err := f.NewStreamWriter(sh.Name)
		if err != nil {
			return nil, err
		}
		for r, row := range sh.Rows {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := sw.SetRow(cell, row); err != nil {
				return nil, err
			}
		}
		if err := sw.Flush(); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return normalizeZip(buf.Bytes())
}

// normalizeZip rewrites a zip with its entries in a fixed order ([Content_Types].xml or mimetype
// first, then by name) and fixed timestamps: excelize writes parts in map order.
func normalizeZip(b []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	files := append([]*zip.File{}, zr.File...)
	rank := func(name string) int {
		if name == "mimetype" || name == "[Content_Types].xml" {
			return 0
		}
		return 1
	}
	sort.SliceStable(files, func(i, j int) bool {
		if ri, rj := rank(files[i].Name), rank(files[j].Name); ri != rj {
			return ri < rj
		}
		return files[i].Name < files[j].Name
	})
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range files {
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		method := zip.Deflate
		if f.Name == "mimetype" {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: method, Modified: fixedTime})
		if err == nil {
			_, err = io.Copy(w, rc)
		}
		rc.Close()
		if err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// etag is the entity tag the demo server sends for a body.
func etag(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}

// Find returns the sample file whose URL (unescaped) ends with suffix (the first in URL order), for
// tests that need one of the publishers' files as a fixture.
func (s *Sample) Find(suffix string) (File, bool) {
	for _, u := range s.URLs() {
		plain, err := url.QueryUnescape(u)
		if err != nil {
			plain = u
		}
		if strings.HasSuffix(plain, suffix) {
			return s.Files[u], true
		}
	}
	return File{}, false
}
