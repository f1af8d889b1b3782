// Package fetch is the HTTP layer every Cornerstone data source uses to retrieve publishers' files.
//
// A Client downloads a file to a temp file while hashing it (Download), or reads a small JSON
// document or HTML page into memory (GetJSON, GetPage). It retries transient failures (5xx, 429,
// timeouts, stalled or truncated bodies, reset or refused connections) with capped exponential
// backoff and full jitter, and never retries the rest (4xx, HTML where data was expected, a format
// mismatch, a body too large or empty). It checks the bytes it receives against the expected Kind,
// so a login page or an error page saved as "data.xlsx" fails at fetch time with ErrHTML or
// ErrUnexpectedFormat instead of later in a parser. Conditional GETs (ETag, Last-Modified) let
// callers skip unchanged releases.
//
// Every failure is an *Error naming the URL and wrapping a sentinel (ErrHTML, ErrTruncated, ...),
// a *StatusError or a context error; test for them with errors.Is and errors.As. With Spec.Mirror
// every request is served from a mirror (see MirrorTransport), which is how `cornerstone demo` and
// tests serve publishers' URL shapes from loopback.
package fetch

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/progress"
)

// Client fetches over HTTP as configured by a Spec. It holds no mutable state after New and is
// safe for concurrent use.
type Client struct {
	spec      Spec
	http      *http.Client
	transport http.RoundTripper // from WithTransport, before mirroring
	mirror    *MirrorTransport  // nil without Spec.Mirror
	progress  progress.Reporter
	sleep     func(ctx context.Context, d time.Duration) error
}

// Option customises a Client in New.
type Option func(*Client)

// WithTransport makes the Client send requests with rt instead of its own http.Transport. With
// Spec.Mirror set, rt still carries the (rewritten) requests.
func WithTransport(rt http.RoundTripper) Option { return func(c *Client) { c.transport = rt } }

// WithProgress reports downloads and retries to p instead of discarding them; nil discards.
func WithProgress(p progress.Reporter) Option {
	return func(c *Client) {
		if p == nil {
			p = progress.Discard()
		}
		c.progress = p
	}
}

// WithSleep replaces the wait between attempts; sleep must return ctx.Err() when ctx ends first.
// Tests use it to record backoffs instead of waiting.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) {
		if sleep != nil {
			c.sleep = sleep
		}
	}
}

// New returns a Client for spec after spec.SetDefaults and spec.Validate; it fails only when the
// spec is invalid.
func New(spec Spec, opts ...Option) (*Client, error) {
	spec.SetDefaults()
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	c := &Client{spec: spec, progress: progress.Discard(), sleep: sleepContext}
	for _, opt := range opts {
		opt(c)
	}
	rt := c.transport
	if rt == nil {
		rt = newTransport()
	}
	if spec.Mirror != "" {
		m, err := parseMirror(spec.Mirror)
		if err != nil {
			return nil, err // unreachable: Validate checked it
		}
		c.mirror = &MirrorTransport{Base: rt, Mirror: m}
		rt = c.mirror
	}
	// No Client.Timeout: it would cut long downloads. Each attempt has its own header timeout
	// and idle timeout instead.
	c.http = &http.Client{Transport: rt, CheckRedirect: c.checkRedirect}
	return c, nil
}

// Request is one file to download.
type Request struct {
	URL  string
	Name string // label for progress and errors, such as "ons-population mye24tablesew.xlsx"
	// Expect is what the file must be; the first bytes are checked against it.
	Expect Kind
	// ETag and LastModified are the validators from the previous retrieval. When set they are sent
	// as If-None-Match and If-Modified-Since, and a 304 answer yields Result.NotModified.
	ETag         string
	LastModified string
}

// Result describes a completed Download.
type Result struct {
	URL      string // as requested
	FinalURL string // after redirects, un-mirrored where possible
	// NotModified is true when the server answered 304: no file was written and Path is empty.
	NotModified bool
	// Path is the temp file holding the body, inside the Download dir. The caller owns it and
	// must rename or remove it.
	Path         string
	SHA256       string // lowercase hex of the body, computed while streaming
	Size         int64
	ContentType  string
	ETag         string // validators to send next time (echoed from the Request on a 304 without them)
	LastModified string
	RetrievedAt  time.Time // UTC, when the response headers arrived
	Attempts     int
}

// Download streams req.URL's body to a new temp file in dir, hashing it as it writes, and never
// holds the body in memory. It retries transient failures, checks the first bytes against
// req.Expect (any HTML page fails with ErrHTML), enforces Spec.MaxBytes, and reports one progress
// Task labelled req.Name (or the URL). On any error it returns an *Error and leaves no temp file
// behind; on a 304 it returns Result.NotModified with no file.
func (c *Client) Download(ctx context.Context, req Request, dir string) (*Result, error) {
	o := &op{
		url: req.URL, label: req.Name, expect: req.Expect, accept: "*/*",
		etag: req.ETag, lastModified: req.LastModified, limit: c.spec.MaxBytes, report: true,
	}
	if o.label == "" {
		o.label = req.URL
	}
	fail := func(attempts int, err error) error {
		o.finish(c, "failed: "+err.Error())
		return &Error{Op: "fetching", URL: req.URL, Name: req.Name, Attempts: attempts, Err: err}
	}
	if err := checkURL(req.URL); err != nil {
		return nil, fail(0, err)
	}
	f, err := os.CreateTemp(dir, ".fetch-*.part")
	if err != nil {
		return nil, fail(0, err)
	}
	keep := false
	defer func() {
		if !keep {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	r, attempts, err := c.run(ctx, o, &fileSink{f: f})
	if err != nil {
		return nil, fail(attempts, err)
	}
	res := &Result{
		URL: req.URL, FinalURL: r.finalURL, NotModified: r.notModified, SHA256: r.sha256, Size: r.size,
		ContentType: r.contentType, ETag: r.etag, LastModified: r.lastModified,
		RetrievedAt: r.retrievedAt, Attempts: attempts,
	}
	if r.notModified {
		o.finish(c, "not modified")
		return res, nil
	}
	if err := f.Close(); err != nil {
		return nil, fail(attempts, err)
	}
	keep = true
	res.Path = f.Name()
	o.finish(c, "downloaded "+formatBytes(r.size))
	return res, nil
}

// GetJSON fetches the JSON document at url (at most min(Spec.MaxBytes, 64 MiB)) and decodes it into
// v with encoding/json, ignoring a leading UTF-8 BOM. It fails with ErrHTML on an HTML page and ErrUnexpectedFormat on a body
// that does not start with { or [; a decoding failure is an *Error with Op "decoding".
func (c *Client) GetJSON(ctx context.Context, url string, v any) error {
	body, _, attempts, err := c.get(ctx, url, KindJSON, "application/json")
	if err != nil {
		return err
	}
	if err := json.Unmarshal(bytes.TrimPrefix(body, utf8BOM), v); err != nil {
		return &Error{Op: "decoding", URL: url, Attempts: attempts, Err: err}
	}
	return nil
}

// GetPage fetches the page at url (at most min(Spec.MaxBytes, 64 MiB)) for link discovery and
// returns its body and its URL after redirects (un-mirrored where possible), against which
// relative links resolve. Any non-empty content is accepted.
func (c *Client) GetPage(ctx context.Context, url string) (body []byte, finalURL string, err error) {
	body, finalURL, _, err = c.get(ctx, url, kindPage, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8")
	return body, finalURL, err
}

// get fetches a small body into memory for GetJSON and GetPage.
func (c *Client) get(ctx context.Context, rawURL string, expect Kind, accept string) ([]byte, string, int, error) {
	if err := checkURL(rawURL); err != nil {
		return nil, "", 0, &Error{Op: "fetching", URL: rawURL, Err: err}
	}
	o := &op{url: rawURL, label: rawURL, expect: expect, accept: accept, limit: min(c.spec.MaxBytes, maxSmallBytes)}
	s := &bufferSink{}
	r, attempts, err := c.run(ctx, o, s)
	if err != nil {
		return nil, "", attempts, &Error{Op: "fetching", URL: rawURL, Attempts: attempts, Err: err}
	}
	return s.buf.Bytes(), r.finalURL, attempts, nil
}

// checkURL accepts absolute http and https URLs only.
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return errors.New("not an absolute http or https URL")
	}
	return nil
}

// checkRedirect enforces Spec.MaxRedirects; a redirect loop ends here too.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if n := c.spec.MaxRedirects; n < 0 || len(via) > n {
		return fmt.Errorf("%w (more than %d, the last to %s)", ErrTooManyRedirects, max(n, 0), c.displayURL(req.URL))
	}
	return nil
}

// displayURL returns u in its un-mirrored form where possible.
func (c *Client) displayURL(u *url.URL) string {
	if c.mirror != nil {
		u, _ = c.mirror.Unmirror(u)
	}
	return u.String()
}

// newTransport returns a private copy of http.DefaultTransport's settings (proxy from the
// environment, HTTP/2, keep-alives), so no state is shared with other clients.
func newTransport() http.RoundTripper {
	if t, ok := http.DefaultTransport.(*http.Transport); ok {
		t = t.Clone()
		t.MaxIdleConnsPerHost = 4
		return t
	}
	return &http.Transport{Proxy: http.ProxyFromEnvironment, ForceAttemptHTTP2: true, MaxIdleConnsPerHost: 4}
}

// sleepContext waits for d or until ctx ends, returning ctx.Err() in that case.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// formatBytes renders n in decimal units: "512 B", "1.2 MB".
func formatBytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, i := float64(n)/unit, 0
	for f >= unit && i < 4 {
		f /= unit
		i++
	}
	return fmt.Sprintf("%.1f %cB", f, "kMGTP"[i])
}
