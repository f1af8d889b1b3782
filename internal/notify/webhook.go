package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"
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
		return false, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "cornerstone-notify")
	for k, v := range n.headers {
		req.Header.Set(k, v)
	}
	resp, err := n.client.Do(req)
	if err != nil {
		return ctx.Err() == nil, err
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

// redactURL keeps a webhook URL's scheme and host: chat webhooks carry their secret in the path.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "the webhook"
	}
	return u.Scheme + "://" + u.Host + "/…"
}
