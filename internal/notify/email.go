package notify

import (
	"context"
	"crypto/tls"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"strconv"
	"strings"
	"time"
)

// emailTimeout bounds a whole SMTP conversation.
const emailTimeout = 30 * time.Second

// sendEmail sends ev as a plain-text message to every recipient, through the configured server:
// STARTTLS when the server offers it, then AUTH PLAIN when a username is configured (net/smtp
// refuses to send a password over an unencrypted connection except to localhost).
func (n *Notifier) sendEmail(ctx context.Context, ev Event) error {
	e := n.cfg.Email
	ctx, cancel := context.WithTimeout(ctx, emailTimeout)
	defer cancel()
	addr := net.JoinHostPort(e.Host, strconv.Itoa(e.Port))
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetDeadline(time.Now()) })
	defer stop()
	c, err := smtp.NewClient(conn, e.Host)
	if err != nil {
		conn.Close()
		return err
	}
	defer c.Close()
	if err := c.Hello(helloName(n.host)); err != nil {
		return err
	}
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: e.Host, MinVersion: tls.VersionTLS12}); err != nil {
			return fmt.Errorf("starting TLS: %w", err)
		}
	}
	if e.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", e.Username, n.password, e.Host)); err != nil {
			return fmt.Errorf("authenticating as %s: %w", e.Username, err)
		}
	}
	if err := c.Mail(e.From); err != nil {
		return err
	}
	for _, to := range e.To {
		if err := c.Rcpt(to); err != nil {
			return fmt.Errorf("recipient %s: %w", to, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(message(e.From, e.To, ev)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

// message renders the RFC 5322 message (LF line ends; the SMTP data writer sends CRLF and
// dot-stuffs).
func message(from string, to []string, ev Event) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\n", from)
	fmt.Fprintf(&b, "To: %s\n", strings.Join(to, ", "))
	fmt.Fprintf(&b, "Subject: %s\n", mime.QEncoding.Encode("utf-8", ev.Subject()))
	fmt.Fprintf(&b, "Date: %s\n", ev.Time.UTC().Format(time.RFC1123Z))
	b.WriteString("MIME-Version: 1.0\n")
	b.WriteString("Content-Type: text/plain; charset=utf-8\n")
	b.WriteString("Content-Transfer-Encoding: 8bit\n")
	fmt.Fprintf(&b, "X-Cornerstone-Event: %s\n", ev.Type)
	b.WriteString("\n")
	b.WriteString(strings.ReplaceAll(ev.Text(), "\r", ""))
	return []byte(b.String())
}

// helloName is the name given in EHLO: the host name when it is a plain DNS name.
func helloName(host string) string {
	if host == "" || strings.ContainsAny(host, " \r\n") {
		return "localhost"
	}
	return host
}
