package fetch

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/progress"
)

// op is one Download, GetJSON or GetPage call across its attempts.
type op struct {
	url, label         string
	expect             Kind
	accept             string
	etag, lastModified string
	limit              int64
	report             bool          // report a progress Task (downloads only)
	task               progress.Task // started when the first response arrives
}

// start begins the op's progress task, once, with the given total.
func (o *op) start(c *Client, total int64) {
	if o.report && o.task == nil {
		o.task = c.progress.Start(o.label, total)
	}
}

// finish ends the op's progress task with outcome, starting it first if no response ever came.
func (o *op) finish(c *Client, outcome string) {
	if !o.report {
		return
	}
	o.start(c, -1)
	o.task.Done(outcome)
}

// outcome is what a successful attempt learnt.
type outcome struct {
	finalURL                        string
	notModified                     bool
	size                            int64
	sha256                          string
	contentType, etag, lastModified string
	retrievedAt                     time.Time
}

// sink receives a body; reset discards a previous attempt's bytes.
type sink interface {
	io.Writer
	reset() error
}

type fileSink struct{ f *os.File }

func (s *fileSink) Write(p []byte) (int, error) { return s.f.Write(p) }
func (s *fileSink) reset() error {
	if err := s.f.Truncate(0); err != nil {
		return err
	}
	_, err := s.f.Seek(0, io.SeekStart)
	return err
}

type bufferSink struct{ buf bytes.Buffer }

func (s *bufferSink) Write(p []byte) (int, error) { return s.buf.Write(p) }
func (s *bufferSink) reset() error                { s.buf.Reset(); return nil }

// localError marks a failure on our side (such as writing the temp file); it is never retried.
type localError struct{ err error }

func (e *localError) Error() string { return e.err.Error() }
func (e *localError) Unwrap() error { return e.err }

// run makes attempts until one succeeds, a failure is not retryable, retries run out or ctx ends.
// It returns the number of attempts made and the last failure unwrapped (ctx.Err() when ctx ended).
func (c *Client) run(ctx context.Context, o *op, s sink) (*outcome, int, error) {
	for attempt := 1; ; attempt++ {
		out, retryAfter, err := c.attempt(ctx, o, s)
		if err == nil {
			return out, attempt, nil
		}
		if ctx.Err() != nil {
			return nil, attempt, ctx.Err()
		}
		if attempt > c.spec.Retries || !retryable(err) {
			return nil, attempt, err
		}
		wait := c.backoff(attempt, retryAfter)
		c.progress.Logf("%s: %v; retrying in %s (attempt %d of %d)",
			o.label, err, wait.Round(time.Millisecond), attempt+1, c.spec.Retries+1)
		if err := c.sleep(ctx, wait); err != nil {
			if ctx.Err() != nil {
				return nil, attempt, ctx.Err()
			}
			return nil, attempt, err
		}
	}
}

// attempt makes one request and reads its body into s. On failure it also returns the server's
// Retry-After wait, or -1 when there is none.
func (c *Client) attempt(ctx context.Context, o *op, s sink) (*outcome, time.Duration, error) {
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	req, err := http.NewRequestWithContext(actx, http.MethodGet, o.url, nil)
	if err != nil {
		return nil, -1, err
	}
	req.Header.Set("User-Agent", c.spec.UserAgent)
	req.Header.Set("Accept", o.accept)
	if o.etag != "" {
		req.Header.Set("If-None-Match", o.etag)
	}
	if o.lastModified != "" {
		req.Header.Set("If-Modified-Since", o.lastModified)
	}

	headerTimer := time.AfterFunc(c.spec.Timeout, func() { cancel(fmt.Errorf("%w (%s)", ErrTimeout, c.spec.Timeout)) })
	resp, err := c.http.Do(req)
	headerTimer.Stop()
	if err != nil {
		return nil, -1, transportError(ctx, actx, err)
	}
	defer resp.Body.Close()
	if cause := context.Cause(actx); cause != nil { // the header timer fired as headers arrived
		return nil, -1, transportError(ctx, actx, cause)
	}
	out := &outcome{
		finalURL:     c.displayURL(responseURL(resp, req)),
		contentType:  resp.Header.Get("Content-Type"),
		etag:         resp.Header.Get("ETag"),
		lastModified: resp.Header.Get("Last-Modified"),
		retrievedAt:  time.Now().UTC(),
	}

	switch code := resp.StatusCode; {
	case code == http.StatusNotModified && (o.etag != "" || o.lastModified != ""):
		out.notModified = true
		out.etag = cmp.Or(out.etag, o.etag)
		out.lastModified = cmp.Or(out.lastModified, o.lastModified)
		return out, -1, nil
	case code < 200 || code > 299:
		return nil, parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()), &StatusError{Code: code, URL: out.finalURL}
	case resp.ContentLength > o.limit:
		return nil, -1, fmt.Errorf("%w: Content-Length %d exceeds the %d-byte limit", ErrTooLarge, resp.ContentLength, o.limit)
	case resp.ContentLength == 0:
		return nil, -1, ErrEmpty
	}

	if err := c.readBody(ctx, actx, cancel, resp, o, s, out); err != nil {
		return nil, -1, err
	}
	return out, -1, nil
}

// readBody streams resp's body into s and records its size and SHA-256 in out. It sniffs the first
// bytes against o.expect, enforces o.limit and fails with ErrStalled (via cancel) when the body
// delivers nothing for IdleTimeout. actx is the attempt's context, ctx the caller's.
func (c *Client) readBody(ctx, actx context.Context, cancel context.CancelCauseFunc, resp *http.Response, o *op, s sink, out *outcome) error {
	if err := s.reset(); err != nil {
		return &localError{err}
	}
	o.start(c, resp.ContentLength)
	stall := time.AfterFunc(time.Hour, func() { cancel(fmt.Errorf("%w: no bytes for %s", ErrStalled, c.spec.IdleTimeout)) })
	stall.Stop()
	defer stall.Stop()
	body := io.LimitReader(&idleReader{r: resp.Body, timer: stall, idle: c.spec.IdleTimeout}, o.limit+1)

	readErr := func(err error, got int64) error {
		if cause := context.Cause(actx); cause != nil {
			return transportError(ctx, actx, cause)
		}
		if resp.ContentLength >= 0 {
			return fmt.Errorf("%w: got %d of %d bytes: %w", ErrTruncated, got, resp.ContentLength, err)
		}
		return fmt.Errorf("%w: got %d bytes: %w", ErrTruncated, got, err)
	}
	head := make([]byte, min(sniffLen, o.limit+1))
	n, err := readHead(body, head)
	head = head[:n]
	if err != nil {
		return readErr(err, int64(n))
	}
	if n == 0 {
		return ErrEmpty
	}
	if err := sniff(o.expect, out.contentType, head); err != nil {
		return err
	}

	hash := sha256.New()
	var w io.Writer = io.MultiWriter(s, hash)
	if o.task != nil {
		w = io.MultiWriter(s, hash, progress.CountingWriter{Task: o.task})
	}
	if _, err := w.Write(head); err != nil {
		return &localError{err}
	}
	total := int64(n)
	buf := make([]byte, 64<<10)
	for total <= o.limit {
		n, err := body.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return &localError{werr}
			}
			total += int64(n)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return readErr(err, total)
		}
	}
	switch {
	case total > o.limit:
		return fmt.Errorf("%w: more than the %d-byte limit", ErrTooLarge, o.limit)
	case resp.ContentLength >= 0 && total < resp.ContentLength:
		return readErr(io.ErrUnexpectedEOF, total)
	}
	out.size = total
	out.sha256 = hex.EncodeToString(hash.Sum(nil))
	return nil
}

// readHead fills buf from r, stopping early only at EOF (which it does not report as an error).
func readHead(r io.Reader, buf []byte) (int, error) {
	n := 0
	for n < len(buf) {
		m, err := r.Read(buf[n:])
		n += m
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// idleReader arms timer for idle around each Read, so a body that delivers nothing for idle
// trips it (the timer cancels the attempt with ErrStalled).
type idleReader struct {
	r     io.Reader
	timer *time.Timer
	idle  time.Duration
}

func (r *idleReader) Read(p []byte) (int, error) {
	r.timer.Reset(r.idle)
	n, err := r.r.Read(p)
	r.timer.Stop()
	return n, err
}

// responseURL is the URL that produced resp.
func responseURL(resp *http.Response, req *http.Request) *url.URL {
	if resp.Request != nil && resp.Request.URL != nil {
		return resp.Request.URL
	}
	return req.URL
}

// transportError turns a failure to get (or read) a response into the error to report: ctx's
// error when the caller's context ended, ErrTimeout or ErrStalled when our timers fired, and
// otherwise the cause without net/http's *url.Error wrapper (which repeats the URL).
func transportError(ctx, actx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if cause := context.Cause(actx); errors.Is(cause, ErrTimeout) || errors.Is(cause, ErrStalled) {
		return cause
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// retryable reports whether err is transient: a retryable *StatusError, ErrTimeout, ErrStalled,
// ErrTruncated, a network timeout, a temporary DNS failure, or a reset, refused or aborted
// connection.
func retryable(err error) bool {
	var le *localError
	var se *StatusError
	var dns *net.DNSError
	var ne net.Error
	switch {
	case errors.As(err, &le), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return false
	case errors.As(err, &se):
		return se.Retryable()
	case errors.Is(err, ErrTimeout), errors.Is(err, ErrStalled), errors.Is(err, ErrTruncated):
		return true
	case errors.Is(err, ErrHTML), errors.Is(err, ErrUnexpectedFormat), errors.Is(err, ErrTooLarge),
		errors.Is(err, ErrEmpty), errors.Is(err, ErrTooManyRedirects):
		return false
	case errors.As(err, &dns):
		return dns.IsTimeout || dns.IsTemporary
	case errors.As(err, &ne) && ne.Timeout():
		return true
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED) ||
		errors.Is(err, syscall.ECONNABORTED) || errors.Is(err, syscall.EPIPE) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// backoff returns the wait before the attempt after attempt: the server's Retry-After when it
// gave one (capped at BackoffMax), else full jitter over BackoffBase·2^(attempt-1) capped at
// BackoffMax.
func (c *Client) backoff(attempt int, retryAfter time.Duration) time.Duration {
	if retryAfter >= 0 {
		return min(retryAfter, c.spec.BackoffMax)
	}
	d := c.spec.BackoffBase
	for i := 1; i < attempt && d <= c.spec.BackoffMax/2; i++ {
		d *= 2
	}
	d = min(d, c.spec.BackoffMax)
	if d <= 0 {
		return 0
	}
	return rand.N(d + 1)
}

// parseRetryAfter reads a Retry-After header (delay seconds or an HTTP date) as a wait from now;
// -1 means absent or unreadable.
func parseRetryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return -1
	}
	if secs, err := strconv.ParseInt(h, 10, 64); err == nil {
		if secs < 0 {
			return -1
		}
		return time.Duration(min(secs, int64(24*time.Hour/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), 0)
	}
	return -1
}
