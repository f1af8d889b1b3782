package config

import (
	"errors"
	"strings"
	"testing"
)

// The webhook URL is checked when the config loads: https unless allow_http, never link-local,
// and the message never repeats the URL's path (where chat services keep the secret).
func TestWebhookURLIsCheckedAndRedacted(t *testing.T) {
	for _, c := range []struct {
		url       string
		allowHTTP bool
		ok        bool
	}{
		{"https://hooks.example.org/services/T000/SECRET", false, true},
		{"http://relay.internal:8080/SECRET", true, true},
		{"http://hooks.example.org/services/T000/SECRET", false, false},
		{"https://169.254.169.254/latest/SECRET", false, false},
		{"https://[fe80::1]/SECRET", false, false},
		{"https://0.0.0.0/SECRET", false, false},
		{"ftp://hooks.example.org/SECRET", false, false},
		{"https://user:SECRET@hooks.example.org/x", false, false},
		{"/services/SECRET", false, false},
		{"https://hooks.example.org:99999999/SECRET", false, false},
	} {
		n := Notify{Webhook: Webhook{URL: c.url, AllowHTTP: c.allowHTTP}}
		n.SetDefaults()
		errs := n.Validate()
		if c.ok {
			if len(errs) != 0 {
				t.Errorf("%s: %v", c.url, errs)
			}
			continue
		}
		if len(errs) != 1 || !errors.Is(errs[0], ErrWebhookURL) && !strings.Contains(errs[0].Error(), "notify.webhook.url") {
			t.Errorf("%s: errs %v", c.url, errs)
			continue
		}
		if strings.Contains(errs[0].Error(), "SECRET") {
			t.Errorf("%s: the message repeats the secret: %v", c.url, errs[0])
		}
	}
}

func TestNotifyDeadlineDefaultsAndIsChecked(t *testing.T) {
	var n Notify
	n.SetDefaults()
	if n.Deadline != DefaultNotifyDeadline {
		t.Errorf("default deadline %s", n.Deadline)
	}
	n.Deadline = -1
	if errs := n.Validate(); len(errs) != 1 || !strings.Contains(errs[0].Error(), "notify.deadline") {
		t.Errorf("errs %v", errs)
	}
}
