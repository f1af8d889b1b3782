package notify_test

import (
	"bufio"
	"encoding/base64"
	"net"
	"strings"
	"sync"
	"testing"
)

// smtpServer is a minimal SMTP server on loopback that records every message it accepts. It
// offers AUTH PLAIN (and records the credentials) but not STARTTLS, like a local relay.
type smtpServer struct {
	Addr string
	mu   sync.Mutex
	msgs []smtpMessage
	ln   net.Listener
}

type smtpMessage struct {
	From, Auth string
	To         []string
	Data       string
}

func newSMTPServer(t *testing.T) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{Addr: ln.Addr().String(), ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { c.Write([]byte(line + "\r\n")) }
	say("220 localhost ESMTP test")
	var m smtpMessage
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		switch {
		case verb == "EHLO" || verb == "HELO":
			say("250-localhost")
			say("250-8BITMIME")
			say("250 AUTH PLAIN")
		case verb == "AUTH":
			parts := strings.Fields(line)
			if len(parts) == 3 {
				b, _ := base64.StdEncoding.DecodeString(parts[2])
				m.Auth = string(b)
			}
			say("235 2.7.0 Authentication successful")
		case strings.HasPrefix(strings.ToUpper(line), "MAIL FROM:"):
			m.From = strings.Trim(strings.Fields(line[len("MAIL FROM:"):])[0], "<>")
			say("250 OK")
		case strings.HasPrefix(strings.ToUpper(line), "RCPT TO:"):
			m.To = append(m.To, strings.Trim(line[len("RCPT TO:"):], "<> "))
			say("250 OK")
		case verb == "DATA":
			say("354 End data with <CR><LF>.<CR><LF>")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			m.Data = b.String()
			s.mu.Lock()
			s.msgs = append(s.msgs, m)
			s.mu.Unlock()
			m = smtpMessage{}
			say("250 OK queued")
		case verb == "QUIT":
			say("221 Bye")
			return
		default:
			say("250 OK")
		}
	}
}

func (s *smtpServer) Messages() []smtpMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMessage{}, s.msgs...)
}
