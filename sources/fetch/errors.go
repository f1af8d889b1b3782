package fetch

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

var (
	// ErrHTML means an HTML page (a login, cookie or error page) arrived where a data file or JSON
	// document was expected. It is never retried.
	ErrHTML = errors.New("got an HTML page instead of data")
	// ErrUnexpectedFormat means the bytes received do not match Request.Expect (for example CSV text
	// where an XLSX workbook was expected). It is never retried.
	ErrUnexpectedFormat = errors.New("unexpected file format")
	// ErrTooLarge means the body exceeds the size cap, by Content-Length or while streaming. It is
	// never retried.
	ErrTooLarge = errors.New("response too large")
	// ErrTruncated means the body ended before Content-Length bytes or the connection broke while
	// reading it. It is retried.
	ErrTruncated = errors.New("truncated body")
	// ErrEmpty means a successful response had no body. It is never retried.
	ErrEmpty = errors.New("empty body")
	// ErrStalled means the body delivered no bytes for Spec.IdleTimeout. It is retried.
	ErrStalled = errors.New("download stalled")
	// ErrTimeout means no response headers arrived within Spec.Timeout. It is retried.
	ErrTimeout = errors.New("timed out waiting for response headers")
	// ErrTooManyRedirects means a redirect loop or a chain longer than Spec.MaxRedirects. It is never
	// retried.
	ErrTooManyRedirects = errors.New("too many redirects")
)

// StatusError reports a response whose status is neither 2xx nor an expected 304. URL is the URL
// that answered with Code (after redirects, in its un-mirrored form where possible).
type StatusError struct {
	Code int
	URL  string
}

// Error renders the status alone, such as "503 Service Unavailable"; *Error adds the URL.
func (e *StatusError) Error() string {
	if text := http.StatusText(e.Code); text != "" {
		return strconv.Itoa(e.Code) + " " + text
	}
	return "HTTP status " + strconv.Itoa(e.Code)
}

// Retryable reports whether the status is transient: any 5xx, or 429 Too Many Requests.
func (e *StatusError) Retryable() bool {
	return e.Code >= 500 && e.Code <= 599 || e.Code == http.StatusTooManyRequests
}

// Error is the failure of one Download, GetJSON or GetPage call, after all attempts. Err is the
// final attempt's failure (a sentinel of this package, a *StatusError, a context error or an I/O
// error); errors.Is and errors.As see through it.
type Error struct {
	Op       string // gerund naming the step that failed: "fetching" or "decoding"
	URL      string // the URL as requested (un-mirrored)
	Name     string // Request.Name, or "" when the caller gave none
	Attempts int    // attempts made, including the failed last one
	Err      error
}

// Error renders "fetching NAME from URL: CAUSE after N attempts" (without NAME when it is empty
// and without the attempt count after a single attempt).
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.Name != "" {
		b.WriteString(" " + e.Name + " from")
	}
	b.WriteString(" " + e.URL + ": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	} else {
		b.WriteString("unknown error")
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " after %d attempts", e.Attempts)
	}
	return b.String()
}

// Unwrap returns the underlying failure.
func (e *Error) Unwrap() error { return e.Err }
