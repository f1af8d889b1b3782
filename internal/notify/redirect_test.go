package notify_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/notify"
)

// The webhook's secrets (its path and its configured headers) go nowhere but to the webhook.

// recorder counts the requests it receives and keeps their headers.
type recorder struct {
	n       atomic.Int32
	mu      sync.Mutex
	headers []http.Header
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.n.Add(1)
	io.Copy(io.Discard, req.Body)
	r.mu.Lock()
	r.headers = append(r.headers, req.Header.Clone())
	r.mu.Unlock()
}

// A 307 to another host is refused before any request goes there: neither the body nor the
// headers (the configured secret ones included) reach it, and the error names the host, not the
// webhook's path.
func TestWebhookRedirectToAnotherHostSendsNothingThere(t *testing.T) {
	elsewhere := &recorder{}
	other := httptest.NewServer(elsewhere)
	defer other.Close()
	otherURL := strings.Replace(other.URL, "127.0.0.1", "localhost", 1) // another host name
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, otherURL+"/collect", http.StatusTemporaryRedirect)
	}))
	defer hook.Close()
	t.Setenv("TEST_HOOK_TOKEN", "Bearer s3cret")
	n := newNotifier(t, config.Notify{Webhook: config.Webhook{URL: hook.URL + "/services/T000/SECRETPATH",
		Headers: map[string]string{"X-Api-Key": "k3y"}, HeaderEnv: map[string]string{"X-Token": "TEST_HOOK_TOKEN"}}})
	err := n.Send(context.Background(), failure())
	if !errors.Is(err, notify.ErrRedirect) || !errors.Is(err, notify.ErrWebhook) {
		t.Fatalf("err = %v", err)
	}
	if got := elsewhere.n.Load(); got != 0 {
		t.Fatalf("the other host received %d requests (headers %v)", got, elsewhere.headers)
	}
	for _, secret := range []string{"SECRETPATH", "s3cret", "k3y"} {
		if strings.Contains(err.Error(), secret) {
			t.Errorf("the error leaks %q: %v", secret, err)
		}
	}
	if !strings.Contains(err.Error(), "localhost") {
		t.Errorf("the error does not name the host redirected to: %v", err)
	}
}

// A redirect within the webhook's own host is followed, body and headers included.
func TestWebhookRedirectOnTheSameHostIsFollowed(t *testing.T) {
	h := &hook{}
	mux := http.NewServeMux()
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/new", http.StatusPermanentRedirect)
	})
	mux.Handle("/new", h)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	n := newNotifier(t, config.Notify{Webhook: config.Webhook{URL: srv.URL + "/old", Headers: map[string]string{"X-Route": "culture"}}})
	if err := n.Send(context.Background(), failure()); err != nil {
		t.Fatal(err)
	}
	if len(h.bodies) != 1 || h.headers[0].Get("X-Route") != "culture" {
		t.Fatalf("bodies %v headers %v", h.bodies, h.headers)
	}
}

// A network error (here a refused connection) names the webhook's scheme and host, never its path.
func TestWebhookNetworkErrorHidesThePath(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	n := newNotifier(t, config.Notify{Webhook: config.Webhook{URL: "http://" + addr + "/services/T000/SECRETPATH?token=QUERYSECRET"}})
	err = n.Send(context.Background(), failure())
	if !errors.Is(err, notify.ErrWebhook) {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "SECRETPATH") || strings.Contains(err.Error(), "QUERYSECRET") {
		t.Fatalf("the error leaks the webhook path: %v", err)
	}
	if !strings.Contains(err.Error(), "http://"+addr+"/…") {
		t.Errorf("the error does not name the webhook's host: %v", err)
	}
}

// A URL naming a link-local address is refused at connect time too (a name may resolve to one),
// without trying again.
func TestWebhookRefusesLinkLocalAddresses(t *testing.T) {
	cfg := config.Notify{Webhook: config.Webhook{URL: "http://169.254.169.254/latest/meta-data", AllowHTTP: true}}
	cfg.SetDefaults()
	if errs := cfg.Validate(); len(errs) != 1 || !errors.Is(errs[0], config.ErrWebhookURL) {
		t.Fatalf("config validation: %v", errs)
	}
	n, err := notify.New(cfg) // New does not validate: the dialer is the second line
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	err = n.Send(context.Background(), failure())
	if !errors.Is(err, notify.ErrLinkLocal) || time.Since(start) > 2*time.Second {
		t.Fatalf("err = %v after %s", err, time.Since(start))
	}
}

// A webhook that accepts the connection and never answers costs notify.deadline, all retries
// included, not the request timeout times the attempts.
func TestSendAllStopsAtTheDeadline(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	n := newNotifier(t, config.Notify{Deadline: 300 * time.Millisecond, Webhook: config.Webhook{URL: "http://" + ln.Addr().String() + "/hook"}})
	start := time.Now()
	err = n.SendAll(context.Background(), []notify.Event{failure(), failure(), failure()})
	if !errors.Is(err, notify.ErrWebhook) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("SendAll took %s with a 300ms deadline", d)
	}
}
