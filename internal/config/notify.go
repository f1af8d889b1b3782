package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Notification event types, for Notify.On.
const (
	EventFailure    = "failure"     // a load, a model or a whole run failed
	EventNewRelease = "new_release" // a new or revised release was loaded
	EventStale      = "stale"       // a source's expected release is overdue beyond its grace
)

// EventTypes are every notification event type.
var EventTypes = []string{EventFailure, EventNewRelease, EventStale}

// Notify configures notifications: a webhook, email, or both. Nothing is sent unless one is set.
type Notify struct {
	// On lists the events to send (default: every one of EventTypes).
	On      []string `toml:"on"`
	Webhook Webhook  `toml:"webhook"`
	Email   Email    `toml:"email"`
	// Deadline bounds the delivery of one batch of events (a run's or a scheduled job's): every
	// channel, request and retry together (default 15s). Notifications are sent after the
	// warehouse is released, so a channel that never answers delays nothing else.
	Deadline time.Duration `toml:"deadline"`
}

// Webhook is a JSON POST to URL for each event.
type Webhook struct {
	// URL is the endpoint: https, unless AllowHTTP; never a link-local address. Chat services
	// carry their secret in its path, so messages show only its scheme and host.
	URL string `toml:"url"`
	// AllowHTTP accepts an http:// URL (a relay on a trusted network or on this machine).
	AllowHTTP bool `toml:"allow_http"`
	// Headers are sent with every request (e.g. a routing key). Put secrets in HeaderEnv instead.
	Headers map[string]string `toml:"headers"`
	// HeaderEnv maps a header name to the name of an environment variable holding its value
	// (e.g. Authorization = "CORNERSTONE_WEBHOOK_TOKEN"), so tokens stay out of the file.
	HeaderEnv map[string]string `toml:"header_env"`
	// Timeout bounds each request (default 10s).
	Timeout time.Duration `toml:"timeout"`
}

// Email sends each event as a plain-text message through an SMTP server (STARTTLS when offered).
type Email struct {
	Host     string   `toml:"host"`
	Port     int      `toml:"port"` // default 587
	From     string   `toml:"from"`
	To       []string `toml:"to"`
	Username string   `toml:"username"`
	// PasswordEnv names the environment variable holding the SMTP password.
	PasswordEnv string `toml:"password_env"`
	// Password is refused: it exists only so the error can say what to do instead.
	Password string `toml:"password"`
}

// Enabled reports whether a webhook is configured.
func (w Webhook) Enabled() bool { return w.URL != "" }

// Enabled reports whether email is configured.
func (e Email) Enabled() bool { return e.Host != "" }

// Sends reports whether events of type t are to be sent.
func (n Notify) Sends(t string) bool {
	for _, o := range n.On {
		if o == t {
			return true
		}
	}
	return false
}

var envNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ErrMissingSecret means an environment variable named in the config is not set.
var ErrMissingSecret = errors.New("environment variable not set")

// SMTPPassword reads the SMTP password from the environment variable named by PasswordEnv ("" when
// no username is configured).
func (e Email) SMTPPassword() (string, error) {
	if e.Username == "" {
		return "", nil
	}
	v := os.Getenv(e.PasswordEnv)
	if v == "" {
		return "", fmt.Errorf("notify.email.password_env: %w: %s", ErrMissingSecret, e.PasswordEnv)
	}
	return v, nil
}

// ResolvedHeaders returns Headers plus the HeaderEnv headers read from the environment; every
// variable not set is reported at once.
func (w Webhook) ResolvedHeaders() (map[string]string, error) {
	out := map[string]string{}
	for k, v := range w.Headers {
		out[k] = v
	}
	var errs []error
	for h, env := range w.HeaderEnv {
		v := os.Getenv(env)
		if v == "" {
			errs = append(errs, fmt.Errorf("notify.webhook.header_env.%s: %w: %s", h, ErrMissingSecret, env))
			continue
		}
		out[h] = v
	}
	return out, errors.Join(errs...)
}

// SetDefaults fills unset fields.
func (n *Notify) SetDefaults() {
	if n.On == nil {
		n.On = append([]string{}, EventTypes...)
	}
	if n.Webhook.Timeout == 0 {
		n.Webhook.Timeout = 10 * time.Second
	}
	if n.Deadline == 0 {
		n.Deadline = DefaultNotifyDeadline
	}
	if n.Email.Port == 0 {
		n.Email.Port = 587
	}
}

// DefaultNotifyDeadline is Notify.Deadline's default.
const DefaultNotifyDeadline = 15 * time.Second

// ErrWebhookURL means notify.webhook.url is not one Cornerstone sends to.
var ErrWebhookURL = errors.New("unusable webhook URL")

// checkURL reports why the webhook URL is refused: not absolute, not https (unless AllowHTTP),
// or a link-local address (169.254.0.0/16, fe80::/10: cloud metadata services live there).
func (w Webhook) checkURL() error {
	u, err := url.Parse(w.URL)
	switch {
	case err != nil || u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("%w: want an absolute https URL", ErrWebhookURL)
	case u.Scheme == "http" && !w.AllowHTTP:
		return fmt.Errorf("%w: http sends the events and headers in clear; use https, or set notify.webhook.allow_http = true for a relay on a trusted network", ErrWebhookURL)
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("%w: want an https URL", ErrWebhookURL)
	case u.User != nil:
		return fmt.Errorf("%w: credentials in the URL; put them in header_env", ErrWebhookURL)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%w: port %s: want 1 to 65535", ErrWebhookURL, p)
		}
	}
	if ip := net.ParseIP(u.Hostname()); ip != nil && (ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsUnspecified()) {
		return fmt.Errorf("%w: %s is a link-local or unspecified address", ErrWebhookURL, ip)
	}
	return nil
}

// RedactURL renders a webhook URL for messages: its scheme and host only ("https://hooks.example.org/…"),
// because chat webhooks carry their secret in the path and query.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "the webhook URL"
	}
	return u.Scheme + "://" + u.Host + "/…"
}

// Validate reports every bad value.
func (n Notify) Validate() []error {
	var errs []error
	for _, o := range n.On {
		known := false
		for _, t := range EventTypes {
			known = known || o == t
		}
		if !known {
			errs = append(errs, fmt.Errorf("notify.on: %q: want %s", o, strings.Join(EventTypes, ", ")))
		}
	}
	w := n.Webhook
	if w.URL != "" {
		if err := w.checkURL(); err != nil {
			errs = append(errs, fmt.Errorf("notify.webhook.url: %s: %w", RedactURL(w.URL), err))
		}
	}
	if n.Deadline < 0 {
		errs = append(errs, fmt.Errorf("notify.deadline: %s is negative", n.Deadline))
	}
	if w.URL == "" && (len(w.Headers) > 0 || len(w.HeaderEnv) > 0) {
		errs = append(errs, errors.New("notify.webhook: headers given without a url"))
	}
	for h, env := range w.HeaderEnv {
		if !envNameRe.MatchString(env) {
			errs = append(errs, fmt.Errorf("notify.webhook.header_env.%s: %q is not an environment variable name", h, env))
		}
	}
	for h, v := range w.Headers {
		if strings.ContainsAny(h+v, "\r\n") || h == "" {
			errs = append(errs, fmt.Errorf("notify.webhook.headers: %q: bad header", h))
		}
	}
	if w.Timeout < 0 {
		errs = append(errs, fmt.Errorf("notify.webhook.timeout: %s is negative", w.Timeout))
	}
	e := n.Email
	if e.Password != "" {
		errs = append(errs, errors.New("notify.email.password: never put the password in the config file; set password_env to the name of an environment variable that holds it"))
	}
	if e.Host == "" {
		if e.From != "" || len(e.To) > 0 || e.Username != "" || e.PasswordEnv != "" {
			errs = append(errs, errors.New("notify.email: settings given without a host"))
		}
		return errs
	}
	if e.Port < 1 || e.Port > 65535 {
		errs = append(errs, fmt.Errorf("notify.email.port: %d: want 1 to 65535", e.Port))
	}
	if _, err := mail.ParseAddress(e.From); err != nil {
		errs = append(errs, fmt.Errorf("notify.email.from: %q: %v", e.From, err))
	}
	if len(e.To) == 0 {
		errs = append(errs, errors.New("notify.email.to: no recipients"))
	}
	for _, to := range e.To {
		if _, err := mail.ParseAddress(to); err != nil {
			errs = append(errs, fmt.Errorf("notify.email.to: %q: %v", to, err))
		}
	}
	if e.Username != "" && e.PasswordEnv == "" {
		errs = append(errs, errors.New("notify.email.password_env: required with username (the name of the environment variable holding the password)"))
	}
	if e.PasswordEnv != "" && !envNameRe.MatchString(e.PasswordEnv) {
		errs = append(errs, fmt.Errorf("notify.email.password_env: %q is not an environment variable name", e.PasswordEnv))
	}
	return errs
}
