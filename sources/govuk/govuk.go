// Package govuk reads GOV.UK's Content API, through which Cornerstone discovers MHCLG and DCMS
// releases: any GOV.UK page is available as JSON at https://www.gov.uk/api/content<base path>.
// Collection pages list their releases in links.documents; release pages list their files in
// details.attachments. Asset URLs change whenever a file is corrected, so sources resolve them
// through this API on every run and never hard-code them.
package govuk

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/sources/fetch"
)

// Base URLs.
const (
	Site       = "https://www.gov.uk"
	ContentAPI = "https://www.gov.uk/api/content"
)

// Page is a GOV.UK page as the Content API describes it.
type Page struct {
	BasePath         string    `json:"base_path"`
	Title            string    `json:"title"`
	DocumentType     string    `json:"document_type"`
	PublicUpdatedAt  time.Time `json:"public_updated_at"`
	FirstPublishedAt time.Time `json:"first_published_at"`
	Details          struct {
		Attachments   []Attachment `json:"attachments"`
		ChangeHistory []struct {
			Note            string    `json:"note"`
			PublicTimestamp time.Time `json:"public_timestamp"`
		} `json:"change_history"`
	} `json:"details"`
	Links struct {
		Documents []Document `json:"documents"`
	} `json:"links"`
}

// Document is a page linked from a collection.
type Document struct {
	BasePath        string    `json:"base_path"`
	Title           string    `json:"title"`
	DocumentType    string    `json:"document_type"`
	PublicUpdatedAt time.Time `json:"public_updated_at"`
}

// Attachment is a file attached to a page.
type Attachment struct {
	Title       string `json:"title"`
	URL         string `json:"url"`
	ContentType string `json:"content_type"`
	FileSize    int64  `json:"file_size"`
	Filename    string `json:"filename"`
}

// Name returns the attachment's file name: its filename field, else the last element of its URL.
func (a Attachment) Name() string {
	if a.Filename != "" {
		return a.Filename
	}
	if u, err := url.Parse(a.URL); err == nil {
		return path.Base(u.Path)
	}
	return path.Base(a.URL)
}

// Kind returns the fetch kind expected from the attachment's content type or file name.
func (a Attachment) Kind() fetch.Kind {
	switch {
	case strings.Contains(a.ContentType, "opendocument.spreadsheet"):
		return fetch.KindODS
	case strings.Contains(a.ContentType, "spreadsheetml"):
		return fetch.KindXLSX
	case a.ContentType == "application/vnd.ms-excel":
		return fetch.KindXLS
	case strings.HasPrefix(a.ContentType, "text/csv"):
		return fetch.KindCSV
	}
	return fetch.KindFromName(a.Name())
}

// ContentURL returns the Content API URL of a base path ("/government/collections/…").
func ContentURL(basePath string) string { return ContentAPI + ensureSlash(basePath) }

// PageURL returns the public page URL of a base path.
func PageURL(basePath string) string { return Site + ensureSlash(basePath) }

func ensureSlash(p string) string {
	if !strings.HasPrefix(p, "/") {
		return "/" + p
	}
	return p
}

// Get reads a page through the Content API.
func Get(ctx context.Context, c *fetch.Client, basePath string) (*Page, error) {
	var p Page
	if err := c.GetJSON(ctx, ContentURL(basePath), &p); err != nil {
		return nil, err
	}
	if p.BasePath == "" {
		p.BasePath = ensureSlash(basePath)
	}
	return &p, nil
}

// Match returns the collection's documents whose base path matches re, sorted by base path. It
// fails, naming the collection and the pattern, when nothing matches: a filter that silently
// matches nothing is how pipelines go stale.
func (p *Page) Match(re *regexp.Regexp) ([]Document, error) {
	var out []Document
	for _, d := range p.Links.Documents {
		if re.MatchString(d.BasePath) {
			out = append(out, d)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no document of %s matches %s (%d documents listed)", p.BasePath, re, len(p.Links.Documents))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].BasePath < out[j].BasePath })
	return out, nil
}

// Attachment returns the first attachment whose file name matches re, or an error naming the page,
// the pattern and the files present.
func (p *Page) Attachment(re *regexp.Regexp) (Attachment, error) {
	var names []string
	for _, a := range p.Details.Attachments {
		if re.MatchString(a.Name()) {
			return a, nil
		}
		names = append(names, a.Name())
	}
	return Attachment{}, fmt.Errorf("no attachment of %s matches %s (files: %s)", p.BasePath, re, strings.Join(names, ", "))
}

// Updated returns the page's last public update, for release ordering.
func (p *Page) Updated() time.Time {
	if !p.PublicUpdatedAt.IsZero() {
		return p.PublicUpdatedAt
	}
	return p.FirstPublishedAt
}
