package notify

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

var (
	// ErrWebhook means the webhook could not be reached or did not accept the event.
	ErrWebhook = errors.New("webhook notification failed")
	// ErrEmail means the SMTP server could not be reached or refused the message.
	ErrEmail = errors.New("email notification failed")
	// ErrRedirect means the webhook redirected to another host (or too often): refused, nothing
	// is sent there.
	ErrRedirect = errors.New("webhook redirect refused")
	// ErrLinkLocal means the webhook's name resolved to a link-local address: refused.
	ErrLinkLocal = errors.New("webhook address refused")
)

// StatusError is a webhook answer that was not 2xx.
type StatusError struct {
	Code int
	Body string // the start of the response body, for the message
}

func (e *StatusError) Error() string {
	s := strconv.Itoa(e.Code)
	if t := http.StatusText(e.Code); t != "" {
		s += " " + t
	}
	if e.Body != "" {
		s += fmt.Sprintf(": %q", e.Body)
	}
	return s
}

// retryable reports whether a webhook answer may succeed if sent again.
func (e *StatusError) retryable() bool {
	return e.Code >= 500 || e.Code == http.StatusTooManyRequests || e.Code == http.StatusRequestTimeout
}
