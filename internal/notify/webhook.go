package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/config"
)

// webhookBody is the JSON posted: the event's fields plus "text", so chat services that show a
// "text" field (Slack, Mattermost, Teams workflows) display it as is.
type webhookBody struct {
	Event
	Text string `json:"text"`
}

// webhookAttempts bounds the tries of one webhook POST.
const webhookAttempts = 3

// postWebhook POSTs ev as JSON. A 2xx answer is success; a network error, 408, 429 or 5xx is tried
// again after a backoff; any other answer fails at once.
func (n *Notifier) postWebhook(ctx context.Context, ev Event) error {
	body, err := json.Marshal(webhookBody{Event: ev, Text: ev.Text()})
	if err != nil {
		return err
	}
	wait := n.backoff
	var last error
	for attempt := 1; attempt <= webhookAttempts; attempt++ {
		retry, err := n.postOnce(ctx, body)
		if err == nil {
			return nil
		}
		last = err
		if !retry || attempt == webhookAttempts {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(last, ctx.Err())
		case <-t.C:
		}
		wait *= 2
	}
	return last
}

func (n *Notifier) postOnce(ctx context.Context, body []byte) (retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.cfg.Webhook.URL, bytes.NewReader(body))
	if err != nil {
		return false, redact(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "cornerstone-notify")
	for k, v := range n.headers {
		req.Header.Set(k, v)
	}
	resp, err := n.client.Do(req)
	if err != nil {
		return ctx.Err() == nil && !errors.Is(err, ErrRedirect) && !errors.Is(err, ErrLinkLocal), redact(err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 == 2 {
		return false, nil
	}
	se := &StatusError{Code: resp.StatusCode, Body: string(bytes.TrimSpace(snippet))}
	return se.retryable(), se
}

// redact replaces the URL in the HTTP client's error (*url.Error repeats the whole URL, secret
// path included) with its scheme and host.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = config.RedactURL(ue.URL)
	}
	return err
}

// webhookClient is the HTTP client of the webhook: it follows a redirect only to the same scheme
// and host (a redirect elsewhere would carry the body and every configured header, secrets
// included, to a server nobody configured), and connects to no link-local address (cloud
// metadata services), whatever the URL's name resolves to.
func webhookClient(timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: timeout, Control: refuseLinkLocal}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.DialContext = d.DialContext
	return &http.Client{Timeout: timeout, Transport: tr, CheckRedirect: sameOrigin}
}

// sameOrigin refuses a redirect to another scheme or host, and more than three redirects.
func sameOrigin(req *http.Request, via []*http.Request) error {
	first := via[0].URL
	if req.URL.Scheme != first.Scheme || !strings.EqualFold(req.URL.Host, first.Host) {
		return fmt.Errorf("%w: to %s://%s, another host than the webhook's; nothing was sent there", ErrRedirect, req.URL.Scheme, req.URL.Host)
	}
	if len(via) > 3 {
		return fmt.Errorf("%w: more than 3 redirects", ErrRedirect)
	}
	return nil
}

// refuseLinkLocal is the dialer's check of the address about to be connected.
func refuseLinkLocal(network, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	if ip := net.ParseIP(host); ip != nil && (ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsUnspecified()) {
		return fmt.Errorf("%w: %s is link-local", ErrLinkLocal, ip)
	}
	return nil
}
