package fetch

import (
	"errors"
	"fmt"
	"net/url"
	"runtime/debug"
	"strings"
	"time"
)

// Defaults applied by Spec.SetDefaults to zero fields.
const (
	DefaultTimeout      = 30 * time.Second
	DefaultIdleTimeout  = 60 * time.Second
	DefaultRetries      = 4
	DefaultBackoffBase  = time.Second
	DefaultBackoffMax   = 30 * time.Second
	DefaultMaxBytes     = 4 << 30 // 4 GiB
	DefaultMaxRedirects = 10

	// maxSmallBytes caps GetJSON and GetPage bodies (together with Spec.MaxBytes).
	maxSmallBytes = 64 << 20
	// maxRetries bounds Spec.Retries so a typo cannot make a run retry for hours.
	maxRetries = 100
)

const modulePath = "github.com/cornerstone-data/cornerstone"

// Spec configures a Client. It is a plain struct: fill what you need, then call SetDefaults and
// Validate (New does both).
type Spec struct {
	// Timeout bounds each attempt until its response headers arrive (default 30s). It does not
	// bound the body: long downloads are guarded by IdleTimeout instead.
	Timeout time.Duration
	// IdleTimeout marks a body as stalled (ErrStalled) when it delivers no bytes for this long
	// (default 60s).
	IdleTimeout time.Duration
	// Retries is the number of extra attempts after the first on transient failures (default 4).
	// Zero means the default; a negative value disables retries.
	Retries int
	// BackoffBase is the first backoff (default 1s). Backoff doubles per attempt, is capped at
	// BackoffMax and is drawn with full jitter from [0, backoff].
	BackoffBase time.Duration
	// BackoffMax caps backoff and Retry-After waits (default 30s).
	BackoffMax time.Duration
	// MaxBytes caps a download (default 4 GiB); GetJSON and GetPage use min(MaxBytes, 64 MiB).
	MaxBytes int64
	// MaxRedirects caps the redirects followed per attempt (default 10). Zero means the default; a
	// negative value follows none (any redirect fails with ErrTooManyRedirects).
	MaxRedirects int
	// UserAgent is sent with every request (default "cornerstone/VERSION
	// (+https://github.com/cornerstone-data/cornerstone)"). Some publishers need a browser-like one.
	UserAgent string
	// Mirror, when set, is a base URL every request is redirected to: https://HOST/PATH?Q is fetched
	// from MIRROR/HOST/PATH?Q. Used by `cornerstone demo` and by tests.
	Mirror string
}

// SetDefaults replaces zero fields with their defaults. Negative Retries and MaxRedirects are kept
// (they mean "none").
func (s *Spec) SetDefaults() {
	if s.Timeout == 0 {
		s.Timeout = DefaultTimeout
	}
	if s.IdleTimeout == 0 {
		s.IdleTimeout = DefaultIdleTimeout
	}
	if s.Retries == 0 {
		s.Retries = DefaultRetries
	}
	if s.BackoffBase == 0 {
		s.BackoffBase = DefaultBackoffBase
	}
	if s.BackoffMax == 0 {
		s.BackoffMax = DefaultBackoffMax
	}
	if s.MaxBytes == 0 {
		s.MaxBytes = DefaultMaxBytes
	}
	if s.MaxRedirects == 0 {
		s.MaxRedirects = DefaultMaxRedirects
	}
	if s.UserAgent == "" {
		s.UserAgent = DefaultUserAgent()
	}
}

// Validate checks every field and returns one error naming each bad field, or nil. Zero fields
// (not yet defaulted) are accepted.
func (s Spec) Validate() error {
	var bad []string
	neg := func(name string, d time.Duration) {
		if d < 0 {
			bad = append(bad, fmt.Sprintf("%s must not be negative (got %s)", name, d))
		}
	}
	neg("Timeout", s.Timeout)
	neg("IdleTimeout", s.IdleTimeout)
	neg("BackoffBase", s.BackoffBase)
	neg("BackoffMax", s.BackoffMax)
	if s.BackoffBase > 0 && s.BackoffMax > 0 && s.BackoffMax < s.BackoffBase {
		bad = append(bad, fmt.Sprintf("BackoffMax (%s) must not be less than BackoffBase (%s)", s.BackoffMax, s.BackoffBase))
	}
	if s.Retries > maxRetries {
		bad = append(bad, fmt.Sprintf("Retries must be at most %d (got %d)", maxRetries, s.Retries))
	}
	if s.MaxBytes < 0 {
		bad = append(bad, fmt.Sprintf("MaxBytes must not be negative (got %d)", s.MaxBytes))
	}
	if strings.ContainsFunc(s.UserAgent, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		bad = append(bad, fmt.Sprintf("UserAgent must not contain control characters (got %q)", s.UserAgent))
	}
	if s.Mirror != "" {
		if _, err := parseMirror(s.Mirror); err != nil {
			bad = append(bad, "Mirror "+err.Error())
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return errors.New("invalid fetch spec: " + strings.Join(bad, "; "))
}

// parseMirror parses a mirror base URL: absolute http(s), with a host, without query or fragment.
func parseMirror(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("is not a URL (%q)", raw)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("must be an absolute http or https URL (got %q)", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("must not have a query, fragment or user info (got %q)", raw)
	}
	return u, nil
}

// DefaultUserAgent returns "cornerstone/VERSION (+https://github.com/cornerstone-data/cornerstone)",
// where VERSION is the main module's version from the build info, or "dev".
func DefaultUserAgent() string {
	version := "dev"
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Path == modulePath &&
		info.Main.Version != "" && info.Main.Version != "(devel)" {
		version = strings.TrimPrefix(info.Main.Version, "v")
	}
	return "cornerstone/" + version + " (+https://" + modulePath + ")"
}
