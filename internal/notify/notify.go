// Package notify sends Cornerstone's notifications, as configured in the [notify] section of the
// config file: a JSON POST to a webhook, a plain-text email through an SMTP server, or both. Events
// are failures (a load, a model or a scheduled job), new releases (a new or revised release was
// loaded) and stale sources (an expected release is overdue beyond its grace).
//
// The package knows nothing of sources or pipelines: callers build Events (pipeline/plan turns a
// run into events, pipeline/schedule adds stale ones) and a Notifier delivers them. A nil
// *Notifier, or one with neither channel configured, sends nothing.
package notify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/config"
)

// Event is one notification. It is sent as the JSON body of the webhook POST (with Text added)
// and rendered as the subject and body of the email.
type Event struct {
	// Type is config.EventFailure, config.EventNewRelease or config.EventStale.
	Type string `json:"type"`
	// Time is when the event happened (UTC).
	Time time.Time `json:"time"`
	// Source is the source id ("ons-population"); empty for events about a model or a whole job.
	Source string `json:"source,omitempty"`
	// Dataset, Vintage and Release (the publisher's title) name the release, when known.
	Dataset string `json:"dataset,omitempty"`
	Vintage string `json:"vintage,omitempty"`
	Release string `json:"release,omitempty"`
	// Step is the pipeline step the event is about ("ingest:ons-population", "model:core.areas").
	Step string `json:"step,omitempty"`
	// Reason is a failure's short stable word (sources.Reason: html_page, empty_file,
	// row_collapse, older_release, …).
	Reason string `json:"reason,omitempty"`
	// Summary is one line for people ("la-register: got an HTML page instead of data").
	Summary string `json:"summary"`
	// Error is a failure's full message.
	Error string `json:"error,omitempty"`
	// Rows is how many rows a new release loaded.
	Rows int64 `json:"rows,omitempty"`
	// Expected and DueBy are a stale source's expected date and the last day of its grace
	// (YYYY-MM-DD).
	Expected string `json:"expected,omitempty"`
	DueBy    string `json:"due_by,omitempty"`
	// RunID is the meta.runs id of the run that raised the event (0 when none).
	RunID int64 `json:"run_id,omitempty"`
	// Command is the command that raised it ("cornerstone schedule: ingest la-register").
	Command string `json:"command,omitempty"`
	// Host is the machine that raised it.
	Host string `json:"host,omitempty"`
}

// Subject is the event's one-line title: "[cornerstone] failure: la-register: …".
func (e Event) Subject() string {
	s := "[cornerstone] " + strings.ReplaceAll(e.Type, "_", " ") + ": " + e.Summary
	s = strings.Join(strings.Fields(s), " ") // no CR/LF in a header
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return s
}

// Text renders the event for people: the subject, then one "key: value" line per field set.
func (e Event) Text() string {
	var b strings.Builder
	b.WriteString(e.Subject())
	b.WriteString("\n\n")
	line := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%-9s %s\n", k+":", v)
		}
	}
	line("event", e.Type)
	line("time", e.Time.UTC().Format(time.RFC3339))
	line("source", e.Source)
	line("dataset", e.Dataset)
	line("vintage", e.Vintage)
	line("release", e.Release)
	line("step", e.Step)
	line("reason", e.Reason)
	if e.Rows > 0 {
		line("rows", fmt.Sprint(e.Rows))
	}
	line("expected", e.Expected)
	line("due by", e.DueBy)
	if e.RunID > 0 {
		line("run", fmt.Sprint(e.RunID))
	}
	line("command", e.Command)
	line("host", e.Host)
	if e.Error != "" {
		b.WriteString("\n")
		b.WriteString(e.Error)
		b.WriteString("\n")
	}
	return b.String()
}

// Notifier delivers events to the configured webhook and email. It is safe for concurrent use.
type Notifier struct {
	cfg      config.Notify
	headers  map[string]string
	password string
	client   *http.Client
	host     string
	// backoff is the pause before the first webhook retry (doubled for the second).
	backoff time.Duration
}

// New returns a Notifier for cfg (which must have SetDefaults applied and be valid). It reads the
// secrets the config names from the environment and fails, naming every variable missing, when
// one is not set, so a misconfiguration shows at start rather than at the first failure.
func New(cfg config.Notify) (*Notifier, error) {
	n := &Notifier{cfg: cfg, backoff: time.Second}
	n.host, _ = os.Hostname()
	var errs []error
	if cfg.Webhook.Enabled() {
		h, err := cfg.Webhook.ResolvedHeaders()
		if err != nil {
			errs = append(errs, err)
		}
		n.headers = h
		n.client = webhookClient(cfg.Webhook.Timeout)
	}
	if cfg.Email.Enabled() {
		p, err := cfg.Email.SMTPPassword()
		if err != nil {
			errs = append(errs, err)
		}
		n.password = p
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("configuring notifications: %w", err)
	}
	return n, nil
}

// WithDeadline returns ctx bounded by notify.deadline, for sending one batch of events.
func (n *Notifier) WithDeadline(ctx context.Context) (context.Context, context.CancelFunc) {
	if n == nil || n.cfg.Deadline <= 0 {
		return context.WithCancel(ctx)
	}
	return context.WithTimeout(ctx, n.cfg.Deadline)
}

// Enabled reports whether any channel is configured.
func (n *Notifier) Enabled() bool {
	return n != nil && (n.cfg.Webhook.Enabled() || n.cfg.Email.Enabled())
}

// Send delivers ev to every configured channel when its type is among those configured (notify.on).
// A failed channel does not stop the others; the error joins every channel's failure. Webhook
// requests that fail with a network error or a 5xx are tried up to three times with backoff.
func (n *Notifier) Send(ctx context.Context, ev Event) error {
	if !n.Enabled() || !n.cfg.Sends(ev.Type) {
		return nil
	}
	if ev.Time.IsZero() {
		ev.Time = time.Now().UTC()
	}
	ev.Time = ev.Time.UTC()
	if ev.Host == "" {
		ev.Host = n.host
	}
	var errs []error
	if n.cfg.Webhook.Enabled() {
		if err := n.postWebhook(ctx, ev); err != nil {
			errs = append(errs, fmt.Errorf("sending the %s notification to %s: %w: %w", ev.Type, config.RedactURL(n.cfg.Webhook.URL), ErrWebhook, err))
		}
	}
	if n.cfg.Email.Enabled() {
		if err := n.sendEmail(ctx, ev); err != nil {
			errs = append(errs, fmt.Errorf("emailing the %s notification through %s: %w: %w", ev.Type, n.cfg.Email.Host, ErrEmail, err))
		}
	}
	return errors.Join(errs...)
}

// SendAll sends every event in order within notify.deadline (all of them together), and joins
// the errors.
func (n *Notifier) SendAll(ctx context.Context, evs []Event) error {
	if !n.Enabled() || len(evs) == 0 {
		return nil
	}
	ctx, cancel := n.WithDeadline(ctx)
	defer cancel()
	var errs []error
	for _, ev := range evs {
		if err := n.Send(ctx, ev); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
