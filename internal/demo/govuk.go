package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets/sheetwrite"
)

// GovukAttachment is a file attached to a demo GOV.UK page.
type GovukAttachment struct {
	Title       string
	File        string // file name
	ContentType string
	Body        []byte
}

// GovukDocument is a page listed by a demo GOV.UK collection.
type GovukDocument struct {
	BasePath string
	Title    string
	Updated  time.Time
}

// assetURL is where GOV.UK would host a file: /media/<24-hex hash>/<file>. The hash is derived from
// the content, so a corrected file gets a new URL, as on GOV.UK.
func assetURL(file string, body []byte) string {
	sum := sha256.Sum256(body)
	return "https://assets.publishing.service.gov.uk/media/" + hex.EncodeToString(sum[:12]) + "/" + file
}

// AddGovukPage serves a release page through the demo Content API
// (https://www.gov.uk/api/content<basePath>) with its attachments at asset URLs.
func (s *Sample) AddGovukPage(basePath, title string, updated time.Time, attachments []GovukAttachment) error {
	var atts []map[string]any
	for _, a := range attachments {
		u := assetURL(a.File, a.Body)
		atts = append(atts, map[string]any{"title": a.Title, "url": u, "content_type": a.ContentType, "file_size": len(a.Body), "filename": a.File})
		s.add(u, a.ContentType, a.Body, updated)
	}
	page := map[string]any{
		"base_path": basePath, "title": title, "document_type": "official_statistics", "schema_name": "publication",
		"description":        Label,
		"public_updated_at":  updated.Format(time.RFC3339),
		"first_published_at": updated.Format(time.RFC3339),
		"details":            map[string]any{"attachments": atts, "change_history": []map[string]any{{"note": "First published. " + Label, "public_timestamp": updated.Format(time.RFC3339)}}},
		"links":              map[string]any{},
	}
	b, err := json.MarshalIndent(page, "", "  ")
	if err != nil {
		return err
	}
	s.add("https://www.gov.uk/api/content"+basePath, ctJSON, b, updated)
	return nil
}

// AddGovukCollection serves a collection page listing documents in links.documents.
func (s *Sample) AddGovukCollection(basePath, title string, docs []GovukDocument) error {
	var list []map[string]any
	for _, d := range docs {
		list = append(list, map[string]any{"base_path": d.BasePath, "title": d.Title, "api_path": "/api/content" + d.BasePath,
			"document_type": "official_statistics", "public_updated_at": d.Updated.Format(time.RFC3339)})
	}
	page := map[string]any{"base_path": basePath, "title": title, "document_type": "document_collection", "description": Label,
		"public_updated_at": fixedTime.Format(time.RFC3339), "details": map[string]any{}, "links": map[string]any{"documents": list}}
	b, err := json.MarshalIndent(page, "", "  ")
	if err != nil {
		return err
	}
	s.add("https://www.gov.uk/api/content"+basePath, ctJSON, b, fixedTime)
	return nil
}

// ODS writes sheets as an OpenDocument spreadsheet laid out as LibreOffice writes one (rows padded
// with repeated empty cells, the sheet with a repeated empty row), deterministically.
func ODS(sheets ...sheetwrite.Sheet) ([]byte, error) {
	b, err := sheetwrite.ODS(sheets...)
	if err != nil {
		return nil, err
	}
	return normalizeZip(b)
}
