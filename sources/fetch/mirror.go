package fetch

import (
	"net/http"
	"net/url"
	"strings"
)

// MirrorTransport is an http.RoundTripper that serves every request from a mirror: a request for
// SCHEME://HOST/PATH?QUERY is sent to MIRROR/HOST/PATH?QUERY (HOST keeps its port, if any; the
// scheme is dropped). Requests whose URL already points into the mirror pass through unchanged.
//
// The response's Request is the caller's original request, so an http.Client resolves relative
// Location headers against the publisher's URL and keeps redirecting through the mirror. A mirror
// therefore redirects either with absolute publisher URLs, with paths relative to the publisher's
// host, or with absolute mirror URLs. MirrorTransport is safe for concurrent use.
type MirrorTransport struct {
	// Base performs the rewritten requests; nil means http.DefaultTransport.
	Base http.RoundTripper
	// Mirror is the base URL, such as http://127.0.0.1:8080 or http://127.0.0.1:8080/mirror.
	Mirror *url.URL
}

// RoundTrip rewrites req's URL to the mirror and sends it with Base. It does not modify req.
func (t *MirrorTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	if t.Mirror == nil || req.URL == nil || t.inMirror(req.URL) {
		return base.RoundTrip(req)
	}
	out := req.Clone(req.Context())
	out.URL = t.Rewrite(req.URL)
	out.Host = ""
	resp, err := base.RoundTrip(out)
	if resp != nil {
		resp.Request = req
	}
	return resp, err
}

// Rewrite returns the mirror URL for u: MIRROR/HOST/PATH?QUERY. u is not modified; a URL already
// inside the mirror (or any URL when Mirror is nil) is returned as a copy.
func (t *MirrorTransport) Rewrite(u *url.URL) *url.URL {
	if t.Mirror == nil || t.inMirror(u) {
		c := *u
		return &c
	}
	out := *t.Mirror
	escaped := strings.TrimSuffix(t.Mirror.EscapedPath(), "/") + "/" + u.Host + u.EscapedPath()
	if p, err := url.PathUnescape(escaped); err == nil {
		out.Path, out.RawPath = p, escaped
	} else {
		out.Path, out.RawPath = escaped, ""
	}
	out.RawQuery, out.ForceQuery = u.RawQuery, u.ForceQuery
	out.Fragment, out.RawFragment = "", ""
	return &out
}

// Unmirror maps a mirror URL back to the publisher's form, https://HOST/PATH?QUERY, and reports
// whether u was a mirror URL. Other URLs are returned unchanged.
func (t *MirrorTransport) Unmirror(u *url.URL) (*url.URL, bool) {
	if t.Mirror == nil || !t.inMirror(u) {
		return u, false
	}
	rest := strings.TrimPrefix(u.EscapedPath(), strings.TrimSuffix(t.Mirror.EscapedPath(), "/"))
	rest = strings.TrimPrefix(rest, "/")
	host, _, _ := strings.Cut(rest, "/")
	if host == "" {
		return u, false
	}
	out, err := url.Parse("https://" + rest)
	if err != nil {
		return u, false
	}
	out.RawQuery = u.RawQuery
	return out, true
}

// inMirror reports whether u already points into the mirror: same scheme and host, and a path
// under the mirror's path.
func (t *MirrorTransport) inMirror(u *url.URL) bool {
	m := t.Mirror
	if m == nil {
		return false
	}
	if !strings.EqualFold(u.Scheme, m.Scheme) || !strings.EqualFold(u.Host, m.Host) {
		return false
	}
	prefix := strings.TrimSuffix(m.EscapedPath(), "/")
	p := u.EscapedPath()
	return prefix == "" || p == prefix || strings.HasPrefix(p, prefix+"/")
}
