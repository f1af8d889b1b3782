package fetch

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"net/http"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/progress"
)

// sleeps records the waits a Client asks for instead of sleeping.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.waits = append(s.waits, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) get() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// newTestClient returns a Client that records backoffs instead of sleeping.
func newTestClient(t *testing.T, spec Spec, opts ...Option) (*Client, *sleeps) {
	t.Helper()
	s := &sleeps{}
	c, err := New(spec, append([]Option{WithSleep(s.sleep)}, opts...)...)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, s
}

// script serves its steps in order, one per request, repeating the last one.
type script struct {
	mu    sync.Mutex
	n     int
	steps []http.HandlerFunc
	reqs  []*http.Request
}

func (s *script) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	i := min(s.n, len(s.steps)-1)
	s.n++
	s.reqs = append(s.reqs, r.Clone(context.Background()))
	s.mu.Unlock()
	s.steps[i](w, r)
}

func (s *script) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}

func (s *script) requests() []*http.Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*http.Request(nil), s.reqs...)
}

func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Error(w, http.StatusText(code), code) }
}

func serve(contentType string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}
}

// chunked writes body in pieces without a Content-Length.
func chunked(body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.(http.Flusher).Flush()
		for len(body) > 0 {
			n := min(len(body), 512)
			_, _ = w.Write(body[:n])
			w.(http.Flusher).Flush()
			body = body[n:]
		}
	}
}

// waitGone blocks until the client goes away (or a safety timeout).
func waitGone(r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-time.After(5 * time.Second):
	}
}

// hang never sends headers.
func hang(w http.ResponseWriter, r *http.Request) { waitGone(r) }

// stall sends headers and part of the body, then nothing.
func stall(part []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(len(part)*4))
		_, _ = w.Write(part)
		w.(http.Flusher).Flush()
		waitGone(r)
	}
}

// truncated claims Content-Length claim, sends data and closes the connection.
func truncated(data []byte, claim int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, rw, err := w.(http.Hijacker).Hijack()
		if err != nil {
			panic(err)
		}
		defer conn.Close()
		fmt.Fprintf(rw, "HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: %d\r\n\r\n", claim)
		_, _ = rw.Write(data)
		_ = rw.Flush()
	}
}

func redirect(to string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) }
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// assertNoFiles fails unless dir is empty.
func assertNoFiles(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("file left behind in %s: %s", dir, e.Name())
	}
}

// csvBody is a small CSV of n data rows.
func csvBody(n int) []byte {
	var b bytes.Buffer
	b.WriteString("area_code,area_name,population\n")
	for i := range n {
		fmt.Fprintf(&b, "E0600%04d,Area %d,%d\n", i, i, 1000+i)
	}
	return b.Bytes()
}

// xlsxBody is a zip shaped like an XLSX workbook (first entry [Content_Types].xml).
func xlsxBody(t testing.TB) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range []string{"[Content_Types].xml", "xl/workbook.xml"} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(`<?xml version="1.0"?><x/>`))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// odsBody is a zip shaped like an ODS spreadsheet: a stored mimetype entry first, sizes in the
// local header as the ODF spec requires (descriptor true writes them after the data instead).
func odsBody(t testing.TB, descriptor bool) []byte {
	const mt = "application/vnd.oasis.opendocument.spreadsheet"
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	var w interface{ Write([]byte) (int, error) }
	var err error
	if descriptor {
		w, err = zw.CreateHeader(&zip.FileHeader{Name: "mimetype", Method: zip.Store})
	} else {
		w, err = zw.CreateRaw(&zip.FileHeader{Name: "mimetype", Method: zip.Store, CRC32: crc32.ChecksumIEEE([]byte(mt)),
			CompressedSize64: uint64(len(mt)), UncompressedSize64: uint64(len(mt))})
	}
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write([]byte(mt))
	cw, err := zw.Create("content.xml")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = cw.Write([]byte("<office:document-content/>"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// fakeReporter records progress.
type fakeReporter struct {
	mu     sync.Mutex
	starts []string
	totals []int64
	added  int64
	dones  []string
	logs   []string
}

func (f *fakeReporter) Start(label string, total int64) progress.Task {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.starts = append(f.starts, label)
	f.totals = append(f.totals, total)
	return fakeTask{f}
}

func (f *fakeReporter) Logf(format string, args ...any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.logs = append(f.logs, fmt.Sprintf(format, args...))
}

type fakeTask struct{ f *fakeReporter }

func (t fakeTask) Add(n int64) {
	t.f.mu.Lock()
	t.f.added += n
	t.f.mu.Unlock()
}

func (t fakeTask) Done(outcome string) {
	t.f.mu.Lock()
	t.f.dones = append(t.f.dones, outcome)
	t.f.mu.Unlock()
}
