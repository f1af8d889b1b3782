package ace

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"path"
	"sort"
	"strings"

	"golang.org/x/net/html"

	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
)

// pageLink is one link found on an ACE page.
type pageLink struct {
	Page string // the page that links it
	URL  string // absolute
	Text string // the anchor's text, whitespace collapsed
}

// FileName is the last path element of the link, unescaped.
func (l pageLink) FileName() string {
	u, err := url.Parse(l.URL)
	if err != nil {
		return ""
	}
	name, err := url.PathUnescape(path.Base(u.Path))
	if err != nil {
		return path.Base(u.Path)
	}
	return name
}

// Title is the link text, or the file name without its extension.
func (l pageLink) Title() string {
	if l.Text != "" {
		return l.Text
	}
	return strings.TrimSuffix(l.FileName(), path.Ext(l.FileName()))
}

// parseLinks returns every <a href> of an HTML page resolved against base, in page order. It
// never fails on malformed HTML (the tokenizer recovers); links that do not parse are skipped.
func parseLinks(page string, body []byte, base string) []pageLink {
	baseURL, err := url.Parse(base)
	if err != nil {
		return nil
	}
	z := html.NewTokenizer(bytes.NewReader(body))
	var out []pageLink
	var cur *pageLink
	var text strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken:
			name, hasAttr := z.TagName()
			if string(name) == "base" {
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					if string(k) == "href" {
						if b, err := baseURL.Parse(strings.TrimSpace(string(v))); err == nil {
							baseURL = b
						}
					}
				}
				continue
			}
			if string(name) != "a" {
				continue
			}
			var href string
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if string(k) == "href" {
					href = strings.TrimSpace(string(v))
				}
			}
			cur, text = nil, strings.Builder{}
			if href == "" || strings.HasPrefix(href, "#") || strings.HasPrefix(strings.ToLower(href), "javascript:") || strings.HasPrefix(strings.ToLower(href), "mailto:") {
				continue
			}
			u, err := baseURL.Parse(href)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
				continue
			}
			u.Fragment = ""
			cur = &pageLink{Page: page, URL: u.String()}
		case html.TextToken:
			if cur != nil {
				text.Write(z.Text())
				text.WriteByte(' ')
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "a" && cur != nil {
				cur.Text = strings.Join(strings.Fields(text.String()), " ")
				out = append(out, *cur)
				cur = nil
			}
		}
	}
}

// maxDataPages bounds how many sub-pages discovery follows from the libraries page.
const maxDataPages = 12

// libraryDataLinks reads ACE's libraries page and the data sub-pages it links (same site, under
// the libraries section, link text or path mentioning "data"), and returns the file links for
// which want is true, de-duplicated by URL. No match is an error naming the pages read.
func libraryDataLinks(ctx context.Context, env *sources.Env, want func(pageLink) bool) ([]pageLink, error) {
	body, final, err := env.Fetch.GetPage(ctx, LibrariesPage)
	if err != nil {
		return nil, fmt.Errorf("reading the ACE libraries page: %w", err)
	}
	links := parseLinks(LibrariesPage, body, final)
	read := []string{LibrariesPage}
	seen := map[string]bool{LibrariesPage: true}
	var found []pageLink
	collect := func(ls []pageLink) {
		for _, l := range ls {
			if want(l) && !seen[l.URL] {
				seen[l.URL] = true
				found = append(found, l)
			}
		}
	}
	collect(links)
	home, _ := url.Parse(LibrariesPage)
	for _, l := range links {
		if len(read) > maxDataPages {
			break
		}
		u, err := url.Parse(l.URL)
		if err != nil || seen[l.URL] || u.Host != home.Host || path.Ext(u.Path) != "" {
			continue
		}
		inSection := strings.HasPrefix(strings.ToLower(u.Path), strings.ToLower(home.Path)+"/")
		aboutData := strings.Contains(strings.ToLower(l.Text+" "+u.Path), "data")
		if !inSection || !aboutData {
			continue
		}
		seen[l.URL] = true
		sub, subFinal, err := env.Fetch.GetPage(ctx, l.URL)
		if err != nil {
			return nil, fmt.Errorf("reading ACE page %s: %w", l.URL, err)
		}
		read = append(read, l.URL)
		collect(parseLinks(l.URL, sub, subFinal))
	}
	if len(found) == 0 {
		return nil, fmt.Errorf("no matching file link on %s: %w", strings.Join(read, ", "), sources.ErrNothingPublished)
	}
	return found, nil
}

// kindOf is the fetch kind a file name promises.
func kindOf(name string) fetch.Kind { return fetch.KindFromName(name) }

// sortReleases orders releases oldest first by vintage (unknown vintages first, by title).
func sortReleases(rs []sources.Release) {
	sort.SliceStable(rs, func(i, j int) bool {
		if rs[i].Vintage != rs[j].Vintage {
			return rs[i].Vintage < rs[j].Vintage
		}
		return rs[i].Title < rs[j].Title
	})
}
