package demo

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"strings"
	"time"
)

// Handler serves the sample as a mirror: a request for /HOST/PATH?QUERY returns the file published
// at https://HOST/PATH?QUERY (the shape fetch.MirrorTransport produces). It answers conditional
// requests with 304 like the publishers' servers, and 404 for anything not in the sample.
func (s *Sample) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		rest := strings.TrimPrefix(r.URL.EscapedPath(), "/")
		key := rest
		if q := r.URL.Query(); len(q) > 0 {
			key += "?" + q.Encode()
		}
		f, ok := s.Files[key]
		if !ok {
			http.NotFound(w, r)
			return
		}
		tag := f.ETag
		if tag == "" {
			tag = etag(f.Body)
		}
		w.Header().Set("ETag", tag)
		w.Header().Set("Content-Type", f.ContentType)
		if inm := r.Header.Get("If-None-Match"); inm != "" && inm == tag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if f.Path != "" {
			fh, err := os.Open(f.Path)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			defer fh.Close()
			http.ServeContent(w, r, "", f.Modified, fh)
			return
		}
		http.ServeContent(w, r, "", f.Modified, bytes.NewReader(f.Body))
	})
}

// Server is the sample served on a loopback port.
type Server struct {
	URL string
	srv *http.Server
	ln  net.Listener
}

// Serve starts serving the sample on 127.0.0.1 on a free port. The caller must Close the server.
func Serve(s *Sample) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err
		}
	}()
	return &Server{URL: "http://" + ln.Addr().String(), srv: srv, ln: ln}, nil
}

// Close stops the server.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return s.srv.Shutdown(ctx)
}
