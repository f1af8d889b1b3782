package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/notify"
)

type hook struct {
	mu      sync.Mutex
	bodies  []map[string]any
	headers []http.Header
	fail    int // answer 503 to this many requests first
	status  int // answer this status to every request when set
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.status != 0 {
		w.WriteHeader(h.status)
		io.WriteString(w, "no such hook")
		return
	}
	if h.fail > 0 {
		h.fail--
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	var m map[string]any
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" || json.NewDecoder(r.Body).Decode(&m) != nil {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	h.bodies = append(h.bodies, m)
	h.headers = append(h.headers, r.Header.Clone())
}

func failure() notify.Event {
	return notify.Event{Type: config.EventFailure, Source: "la-register", Reason: "html_page", Step: "ingest:la-register",
		Summary: "la-register: got an HTML page instead of data", Error: "loading la-register from https://x/y.csv: got an HTML page instead of data",
		RunID: 7, Time: time.Date(2026, 3, 2, 6, 0, 0, 0, time.UTC)}
}

func newNotifier(t *testing.T, cfg config.Notify) *notify.Notifier {
	t.Helper()
	cfg.Webhook.AllowHTTP = true // httptest servers are http on loopback
	cfg.SetDefaults()
	if errs := cfg.Validate(); len(errs) > 0 {
		t.Fatal(errs)
	}
	n, err := notify.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	n.SetBackoffForTest(10 * time.Millisecond)
	return n
}

func TestWebhookPostsTheEventAsJSON(t *testing.T) {
	h := &hook{}
	srv := httptest.NewServer(h)
	defer srv.Close()
	t.Setenv("TEST_HOOK_TOKEN", "Bearer s3cret")
	n := newNotifier(t, config.Notify{Webhook: config.Webhook{URL: srv.URL + "/hooks/abc",
		Headers: map[string]string{"X-Route": "culture"}, HeaderEnv: map[string]string{"Authorization": "TEST_HOOK_TOKEN"}}})
	if err := n.Send(context.Background(), failure()); err != nil {
		t.Fatal(err)
	}
	if len(h.bodies) != 1 {
		t.Fatalf("%d posts", len(h.bodies))
	}
	b := h.bodies[0]
	for k, want := range map[string]any{"type": "failure", "source": "la-register", "reason": "html_page", "run_id": 7.0,
		"time": "2026-03-02T06:00:00Z", "step": "ingest:la-register"} {
		if b[k] != want {
			t.Errorf("%s = %v, want %v", k, b[k], want)
		}
	}
	if text, _ := b["text"].(string); !strings.HasPrefix(text, "[cornerstone] failure: la-register: got an HTML page") {
		t.Errorf("text %q", text)
	}
	if h.headers[0].Get("Authorization") != "Bearer s3cret" || h.headers[0].Get("X-Route") != "culture" {
		t.Errorf("headers %v", h.headers[0])
	}
}

func TestWebhookRetriesTransientAnswers(t *testing.T) {
	h := &hook{fail: 2}
	srv := httptest.NewServer(h)
	defer srv.Close()
	n := newNotifier(t, config.Notify{Webhook: config.Webhook{URL: srv.URL}})
	if err := n.Send(context.Background(), failure()); err != nil {
		t.Fatal(err)
	}
	if len(h.bodies) != 1 {
		t.Fatalf("%d posts delivered", len(h.bodies))
	}
	h.fail = 3
	err := n.Send(context.Background(), failure())
	if !errors.Is(err, notify.ErrWebhook) || !strings.Contains(err.Error(), "503 Service Unavailable") {
		t.Fatalf("err = %v", err)
	}
}

func TestWebhookRefusalIsNotRetriedAndHidesThePath(t *testing.T) {
	h := &hook{status: http.StatusNotFound}
	srv := httptest.NewServer(h)
	defer srv.Close()
	n := newNotifier(t, config.Notify{Webhook: config.Webhook{URL: srv.URL + "/services/T000/SECRET"}})
	err := n.Send(context.Background(), failure())
	var se *notify.StatusError
	if !errors.As(err, &se) || se.Code != 404 || !strings.Contains(err.Error(), `"no such hook"`) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "SECRET") {
		t.Errorf("error leaks the webhook path: %v", err)
	}
}

func TestOnlyConfiguredEventTypesAreSent(t *testing.T) {
	h := &hook{}
	srv := httptest.NewServer(h)
	defer srv.Close()
	n := newNotifier(t, config.Notify{On: []string{config.EventStale}, Webhook: config.Webhook{URL: srv.URL}})
	if err := n.Send(context.Background(), failure()); err != nil {
		t.Fatal(err)
	}
	if err := n.Send(context.Background(), notify.Event{Type: config.EventStale, Source: "ons-population", Summary: "overdue"}); err != nil {
		t.Fatal(err)
	}
	if len(h.bodies) != 1 || h.bodies[0]["type"] != "stale" {
		t.Fatalf("bodies %v", h.bodies)
	}
	var none *notify.Notifier
	if none.Enabled() || none.Send(context.Background(), failure()) != nil {
		t.Fatal("a nil notifier must send nothing")
	}
}

func TestEmailThroughSMTP(t *testing.T) {
	srv := newSMTPServer(t)
	host, port, _ := net.SplitHostPort(srv.Addr)
	p, _ := strconv.Atoi(port)
	t.Setenv("TEST_SMTP_PASSWORD", "pw")
	n := newNotifier(t, config.Notify{Email: config.Email{Host: host, Port: p, From: "cornerstone@example.org",
		To: []string{"analyst@example.org", "lead@example.org"}, Username: "robot", PasswordEnv: "TEST_SMTP_PASSWORD"}})
	ev := failure()
	ev.Error += "\n.\nsecond line"
	if err := n.Send(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	m := msgs[0]
	if m.From != "cornerstone@example.org" || strings.Join(m.To, ",") != "analyst@example.org,lead@example.org" {
		t.Errorf("envelope %s -> %v", m.From, m.To)
	}
	if m.Auth != "\x00robot\x00pw" {
		t.Errorf("auth %q", m.Auth)
	}
	for _, want := range []string{"Subject: [cornerstone] failure: la-register: got an HTML page instead of data\r\n",
		"X-Cornerstone-Event: failure\r\n", "reason:   html_page\r\n", "\r\n.\r\nsecond line\r\n", "run:      7\r\n"} {
		if !strings.Contains(m.Data, want) {
			t.Errorf("message lacks %q:\n%s", want, m.Data)
		}
	}
}

func TestEmailServerDownIsAnError(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close()
	n := newNotifier(t, config.Notify{Email: config.Email{Host: "127.0.0.1", Port: addr.Port, From: "a@example.org", To: []string{"b@example.org"}}})
	if err := n.Send(context.Background(), failure()); !errors.Is(err, notify.ErrEmail) {
		t.Fatalf("err = %v", err)
	}
}

func TestMissingSecretsFailAtStart(t *testing.T) {
	cfg := config.Notify{Webhook: config.Webhook{URL: "https://hooks.example.org/x", HeaderEnv: map[string]string{"Authorization": "CORNERSTONE_TEST_UNSET_TOKEN"}},
		Email: config.Email{Host: "smtp.example.org", From: "a@example.org", To: []string{"b@example.org"}, Username: "u", PasswordEnv: "CORNERSTONE_TEST_UNSET_PW"}}
	cfg.SetDefaults()
	_, err := notify.New(cfg)
	if !errors.Is(err, config.ErrMissingSecret) || !strings.Contains(err.Error(), "CORNERSTONE_TEST_UNSET_TOKEN") || !strings.Contains(err.Error(), "CORNERSTONE_TEST_UNSET_PW") {
		t.Fatalf("err = %v", err)
	}
}
