package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDownloadContextCancel(t *testing.T) {
	t.Run("during the request", func(t *testing.T) {
		arrived := make(chan struct{}, 1)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			arrived <- struct{}{}
			stall([]byte("a,b\n"))(w, r)
		}))
		defer srv.Close()
		c, _ := newTestClient(t, Spec{})
		ctx, cancel := context.WithCancel(t.Context())
		go func() { <-arrived; time.Sleep(20 * time.Millisecond); cancel() }()
		dir := t.TempDir()
		start := time.Now()
		_, err := c.Download(ctx, Request{URL: srv.URL + "/a.csv"}, dir)
		assertError(t, err, srv.URL, context.Canceled, 0, 1)
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("cancel took %v", d)
		}
		assertNoFiles(t, dir)
	})
	t.Run("during backoff", func(t *testing.T) {
		arrived := make(chan struct{}, 1)
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "20")
			http.Error(w, "busy", http.StatusServiceUnavailable)
			arrived <- struct{}{}
		}))
		defer srv.Close()
		c, err := New(Spec{}) // real sleeps
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		go func() { <-arrived; time.Sleep(50 * time.Millisecond); cancel() }()
		dir := t.TempDir()
		start := time.Now()
		_, err = c.Download(ctx, Request{URL: srv.URL + "/a.csv"}, dir)
		assertError(t, err, srv.URL, context.Canceled, 0, 1)
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("cancel took %v", d)
		}
		assertNoFiles(t, dir)
	})
	t.Run("before the call", func(t *testing.T) {
		srv := httptest.NewServer(status(200))
		defer srv.Close()
		c, _ := newTestClient(t, Spec{})
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		dir := t.TempDir()
		_, err := c.Download(ctx, Request{URL: srv.URL + "/a.csv"}, dir)
		assertError(t, err, srv.URL, context.Canceled, 0, 1)
		assertNoFiles(t, dir)
	})
}

func TestDownloadProgress(t *testing.T) {
	csv := csvBody(100)
	srv := httptest.NewServer(&script{steps: []http.HandlerFunc{status(503), serve("text/csv", csv)}})
	defer srv.Close()
	rep := &fakeReporter{}
	c, _ := newTestClient(t, Spec{}, WithProgress(rep))
	if _, err := c.Download(t.Context(), Request{URL: srv.URL + "/a.csv", Name: "demo a.csv"}, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	if len(rep.starts) != 1 || rep.starts[0] != "demo a.csv" || rep.totals[0] != int64(len(csv)) {
		t.Errorf("tasks %q totals %v, want one task labelled demo a.csv of %d", rep.starts, rep.totals, len(csv))
	}
	if rep.added != int64(len(csv)) || len(rep.dones) != 1 || rep.dones[0] != "downloaded "+formatBytes(int64(len(csv))) {
		t.Errorf("added %d, outcomes %q", rep.added, rep.dones)
	}
	if len(rep.logs) != 1 || !strings.Contains(rep.logs[0], "503 Service Unavailable; retrying") {
		t.Errorf("logs %q, want one retry line", rep.logs)
	}

	rep = &fakeReporter{}
	c, _ = newTestClient(t, Spec{Retries: -1}, WithProgress(rep))
	url := srv.URL + "/gone.csv"
	srv.Close()
	if _, err := c.Download(t.Context(), Request{URL: url}, t.TempDir()); err == nil {
		t.Fatal("want an error")
	}
	if len(rep.starts) != 1 || rep.starts[0] != url || rep.totals[0] != -1 || len(rep.dones) != 1 || !strings.HasPrefix(rep.dones[0], "failed: ") {
		t.Errorf("failure progress: starts %q totals %v dones %q", rep.starts, rep.totals, rep.dones)
	}
}

func TestDownloadHeaders(t *testing.T) {
	s := &script{steps: []http.HandlerFunc{serve("text/csv", csvBody(1))}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c, _ := newTestClient(t, Spec{})
	if _, err := c.Download(t.Context(), Request{URL: srv.URL + "/a.csv"}, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	c, _ = newTestClient(t, Spec{UserAgent: "Mozilla/5.0 (X11; Linux x86_64)"})
	if _, err := c.Download(t.Context(), Request{URL: srv.URL + "/a.csv"}, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	reqs := s.requests()
	if ua := reqs[0].Header.Get("User-Agent"); !strings.HasPrefix(ua, "cornerstone/") || !strings.Contains(ua, "github.com/cornerstone-data/cornerstone") {
		t.Errorf("default User-Agent %q", ua)
	}
	if ua := reqs[1].Header.Get("User-Agent"); ua != "Mozilla/5.0 (X11; Linux x86_64)" {
		t.Errorf("custom User-Agent %q", ua)
	}
	if reqs[0].Header.Get("If-None-Match") != "" {
		t.Error("If-None-Match sent without an ETag")
	}
}

func TestDownloadBadInput(t *testing.T) {
	c, _ := newTestClient(t, Spec{})
	_, err := c.Download(t.Context(), Request{URL: "ftp://example.com/a.csv"}, t.TempDir())
	assertError(t, err, "ftp://example.com/a.csv", nil, 0, 0)

	srv := httptest.NewServer(status(200))
	defer srv.Close()
	missing := filepath.Join(t.TempDir(), "missing")
	_, err = c.Download(t.Context(), Request{URL: srv.URL + "/a.csv"}, missing)
	assertError(t, err, srv.URL, os.ErrNotExist, 0, 0)
}

func TestDownloadConcurrent(t *testing.T) {
	bodies := map[string][]byte{}
	mux := http.NewServeMux()
	for i := range 8 {
		name := "/f" + string(rune('a'+i)) + ".csv"
		bodies[name] = csvBody(50 * (i + 1))
		mux.HandleFunc(name, serve("text/csv", bodies[name]))
	}
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, _ := newTestClient(t, Spec{})
	dir := t.TempDir()
	errs := make(chan error, len(bodies))
	for name, body := range bodies {
		go func() {
			res, err := c.Download(t.Context(), Request{URL: srv.URL + name, Expect: KindCSV}, dir)
			if err == nil && res.SHA256 != sha(body) {
				err = errors.New(name + ": wrong SHA-256")
			}
			errs <- err
		}()
	}
	for range bodies {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
