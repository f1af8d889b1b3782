package fetch

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestSpecDefaults(t *testing.T) {
	var s Spec
	s.SetDefaults()
	want := Spec{Timeout: 30 * time.Second, IdleTimeout: 60 * time.Second, Retries: 4, BackoffBase: time.Second,
		BackoffMax: 30 * time.Second, MaxBytes: 4 << 30, MaxRedirects: 10, UserAgent: DefaultUserAgent()}
	if s != want {
		t.Errorf("defaults %+v\nwant     %+v", s, want)
	}
	if err := s.Validate(); err != nil {
		t.Errorf("defaults invalid: %v", err)
	}
	s = Spec{Retries: -1, MaxRedirects: -1, UserAgent: "Mozilla/5.0"}
	s.SetDefaults()
	if s.Retries != -1 || s.MaxRedirects != -1 || s.UserAgent != "Mozilla/5.0" {
		t.Errorf("SetDefaults overwrote set fields: %+v", s)
	}
}

func TestSpecValidate(t *testing.T) {
	s := Spec{Timeout: -1, IdleTimeout: -time.Second, BackoffBase: 2 * time.Second, BackoffMax: time.Second,
		Retries: 1000, MaxBytes: -5, UserAgent: "bad\r\nagent", Mirror: "/relative"}
	err := s.Validate()
	if err == nil {
		t.Fatal("Validate accepted a bad spec")
	}
	for _, field := range []string{"Timeout", "IdleTimeout", "BackoffMax", "Retries", "MaxBytes", "UserAgent", "Mirror"} {
		if !strings.Contains(err.Error(), field+" ") {
			t.Errorf("error %q does not name %s", err, field)
		}
	}
	if _, err := New(s); err == nil {
		t.Error("New accepted a bad spec")
	}
	for _, m := range []string{"http://127.0.0.1:8080", "https://mirror.example/base/"} {
		if err := (Spec{Mirror: m}).Validate(); err != nil {
			t.Errorf("Mirror %q rejected: %v", m, err)
		}
	}
	for _, m := range []string{"ftp://x", "http://x/?q=1", "127.0.0.1:8080"} {
		if err := (Spec{Mirror: m}).Validate(); err == nil {
			t.Errorf("Mirror %q accepted", m)
		}
	}
}

func TestStatusError(t *testing.T) {
	for code, want := range map[int]bool{500: true, 502: true, 503: true, 504: true, 429: true,
		400: false, 401: false, 403: false, 404: false, 410: false, 304: false, 599: true} {
		if got := (&StatusError{Code: code}).Retryable(); got != want {
			t.Errorf("StatusError %d Retryable = %v, want %v", code, got, want)
		}
	}
	if got := (&StatusError{Code: 503}).Error(); got != "503 Service Unavailable" {
		t.Errorf("Error() = %q", got)
	}
	if got := (&StatusError{Code: 599}).Error(); got != "HTTP status 599" {
		t.Errorf("Error() = %q", got)
	}
}

func TestErrorMessageAndUnwrap(t *testing.T) {
	e := &Error{Op: "fetching", URL: "https://x.example/a.csv", Attempts: 1, Err: ErrEmpty}
	if e.Error() != "fetching https://x.example/a.csv: empty body" || !errors.Is(e, ErrEmpty) {
		t.Errorf("Error() = %q", e.Error())
	}
	var se *StatusError
	e = &Error{Op: "fetching", URL: "u", Name: "n", Attempts: 3, Err: &StatusError{Code: 429}}
	if e.Error() != "fetching n from u: 429 Too Many Requests after 3 attempts" || !errors.As(e, &se) {
		t.Errorf("Error() = %q", e.Error())
	}
}

func TestRetryable(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&StatusError{Code: 503}, true},
		{&StatusError{Code: 404}, false},
		{ErrTimeout, true}, {ErrStalled, true}, {ErrTruncated, true},
		{ErrHTML, false}, {ErrUnexpectedFormat, false}, {ErrTooLarge, false}, {ErrEmpty, false}, {ErrTooManyRedirects, false},
		{&localError{ErrTruncated}, false},
		{http.ErrSchemeMismatch, false},
	}
	for _, tt := range tests {
		if got := retryable(tt.err); got != tt.want {
			t.Errorf("retryable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 15, 4, 0, 0, time.UTC)
	tests := map[string]time.Duration{
		"":                              -1,
		"abc":                           -1,
		"-3":                            -1,
		" 12 ":                          12 * time.Second,
		"Fri, 02 Jan 2026 15:04:30 GMT": 30 * time.Second,
		"Fri, 02 Jan 2026 15:00:00 GMT": 0,
	}
	for h, want := range tests {
		if got := parseRetryAfter(h, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1.0 kB", 1_234_567: "1.2 MB", 5 << 30: "5.4 GB"} {
		if got := formatBytes(n); got != want {
			t.Errorf("formatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}
