package fetch

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestDownload(t *testing.T) {
	csv := csvBody(200)
	xlsx := xlsxBody(t)
	login := []byte("<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body>log in</body></html>")
	big := bytes.Repeat([]byte("a,b,c\n"), 1000)

	tests := []struct {
		name         string
		steps        []http.HandlerFunc
		spec         Spec
		expect       Kind
		wantBody     []byte // on success
		wantErr      error  // sentinel the error must match
		wantStatus   int    // *StatusError code the error must carry
		wantAttempts int
	}{
		{name: "200", steps: []http.HandlerFunc{serve("text/csv", csv)}, expect: KindCSV, wantBody: csv, wantAttempts: 1},
		{name: "503 503 200 succeeds on attempt 3",
			steps:  []http.HandlerFunc{status(503), status(503), serve("text/csv", csv)},
			expect: KindCSV, wantBody: csv, wantAttempts: 3},
		{name: "xlsx", steps: []http.HandlerFunc{serve("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx)},
			expect: KindXLSX, wantBody: xlsx, wantAttempts: 1},
		{name: "chunked without Content-Length", steps: []http.HandlerFunc{chunked(big)}, wantBody: big, wantAttempts: 1},
		{name: "503 forever fails after Retries+1 attempts", steps: []http.HandlerFunc{status(503)},
			spec: Spec{Retries: 2}, wantStatus: 503, wantAttempts: 3},
		{name: "500 forever with default retries", steps: []http.HandlerFunc{status(500)}, wantStatus: 500, wantAttempts: 5},
		{name: "404 is not retried", steps: []http.HandlerFunc{status(404)}, wantStatus: 404, wantAttempts: 1},
		{name: "403 is not retried", steps: []http.HandlerFunc{status(403)}, wantStatus: 403, wantAttempts: 1},
		{name: "negative Retries disables retries", steps: []http.HandlerFunc{status(503)},
			spec: Spec{Retries: -1}, wantStatus: 503, wantAttempts: 1},
		{name: "header timeout retried then success", steps: []http.HandlerFunc{hang, serve("text/csv", csv)},
			spec: Spec{Timeout: 100 * time.Millisecond}, wantBody: csv, wantAttempts: 2},
		{name: "header timeout every time", steps: []http.HandlerFunc{hang},
			spec: Spec{Timeout: 50 * time.Millisecond, Retries: 1}, wantErr: ErrTimeout, wantAttempts: 2},
		{name: "stalled body", steps: []http.HandlerFunc{stall(csv[:100])},
			spec: Spec{IdleTimeout: 100 * time.Millisecond, Retries: -1}, wantErr: ErrStalled, wantAttempts: 1},
		{name: "stalled body retried then success", steps: []http.HandlerFunc{stall(csv[:100]), serve("text/csv", csv)},
			spec: Spec{IdleTimeout: 100 * time.Millisecond}, wantBody: csv, wantAttempts: 2},
		{name: "truncated body", steps: []http.HandlerFunc{truncated(csv[:500], 1000)},
			spec: Spec{Retries: 1}, wantErr: ErrTruncated, wantAttempts: 2},
		{name: "truncated body retried then success", steps: []http.HandlerFunc{truncated(csv[:500], len(csv)), serve("text/csv", csv)},
			wantBody: csv, wantAttempts: 2},
		{name: "HTML login page as text/html", steps: []http.HandlerFunc{serve("text/html; charset=utf-8", login)},
			expect: KindXLSX, wantErr: ErrHTML, wantAttempts: 1},
		{name: "HTML login page with KindAny", steps: []http.HandlerFunc{serve("text/html", login)},
			wantErr: ErrHTML, wantAttempts: 1},
		{name: "HTML sniffed under application/octet-stream", steps: []http.HandlerFunc{serve("application/octet-stream", login)},
			expect: KindCSV, wantErr: ErrHTML, wantAttempts: 1},
		{name: "CSV bytes where XLSX expected", steps: []http.HandlerFunc{serve("application/octet-stream", csv)},
			expect: KindXLSX, wantErr: ErrUnexpectedFormat, wantAttempts: 1},
		{name: "XLSX where XLS expected", steps: []http.HandlerFunc{serve("application/vnd.ms-excel", xlsx)},
			expect: KindXLS, wantErr: ErrUnexpectedFormat, wantAttempts: 1},
		{name: "too large by Content-Length", steps: []http.HandlerFunc{serve("text/csv", big)},
			spec: Spec{MaxBytes: 1000}, wantErr: ErrTooLarge, wantAttempts: 1},
		{name: "too large while streaming", steps: []http.HandlerFunc{chunked(big)},
			spec: Spec{MaxBytes: 1000}, wantErr: ErrTooLarge, wantAttempts: 1},
		{name: "too large beyond the sniffed head", steps: []http.HandlerFunc{chunked(big)},
			spec: Spec{MaxBytes: 5000}, wantErr: ErrTooLarge, wantAttempts: 1},
		{name: "exactly MaxBytes is allowed", steps: []http.HandlerFunc{chunked(big)},
			spec: Spec{MaxBytes: int64(len(big))}, wantBody: big, wantAttempts: 1},
		{name: "empty", steps: []http.HandlerFunc{serve("text/csv", nil)}, wantErr: ErrEmpty, wantAttempts: 1},
		{name: "empty chunked", steps: []http.HandlerFunc{chunked(nil)}, wantErr: ErrEmpty, wantAttempts: 1},
		{name: "redirect loop", steps: []http.HandlerFunc{redirect("/loop")}, wantErr: ErrTooManyRedirects, wantAttempts: 1},
		{name: "redirect then file", steps: []http.HandlerFunc{redirect("/moved.csv"), serve("text/csv", csv)},
			wantBody: csv, wantAttempts: 1},
		{name: "no redirects with negative MaxRedirects", steps: []http.HandlerFunc{redirect("/moved.csv")},
			spec: Spec{MaxRedirects: -1}, wantErr: ErrTooManyRedirects, wantAttempts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{steps: tt.steps}
			srv := httptest.NewServer(s)
			defer srv.Close()
			c, _ := newTestClient(t, tt.spec)
			dir := t.TempDir()
			url := srv.URL + "/data/file.csv"

			res, err := c.Download(t.Context(), Request{URL: url, Name: "test " + tt.name, Expect: tt.expect}, dir)

			if tt.wantBody == nil {
				if err == nil {
					t.Fatalf("Download succeeded (%+v), want an error", res)
				}
				t.Logf("error: %v", err)
				assertError(t, err, url, tt.wantErr, tt.wantStatus, tt.wantAttempts)
				assertNoFiles(t, dir)
			} else {
				if err != nil {
					t.Fatalf("Download: %v", err)
				}
				got, err := os.ReadFile(res.Path)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, tt.wantBody) {
					t.Errorf("file holds %d bytes, want %d", len(got), len(tt.wantBody))
				}
				if res.SHA256 != sha(tt.wantBody) || res.Size != int64(len(tt.wantBody)) {
					t.Errorf("SHA256, Size = %s, %d; want %s, %d", res.SHA256, res.Size, sha(tt.wantBody), len(tt.wantBody))
				}
				if res.Attempts != tt.wantAttempts {
					t.Errorf("Attempts = %d, want %d", res.Attempts, tt.wantAttempts)
				}
				if filepath.Dir(res.Path) != dir || res.URL != url || res.NotModified || res.RetrievedAt.Location() != time.UTC {
					t.Errorf("unexpected result %+v", res)
				}
			}
			if got := s.count(); got != tt.wantAttempts && !strings.Contains(tt.name, "redirect") {
				t.Errorf("server saw %d requests, want %d", got, tt.wantAttempts)
			}
		})
	}
}

// assertError checks an error from Download, GetJSON or GetPage.
func assertError(t *testing.T, err error, url string, want error, wantStatus, wantAttempts int) {
	t.Helper()
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatalf("error %v (%T) is not a *fetch.Error", err, err)
	}
	if fe.Attempts != wantAttempts {
		t.Errorf("Attempts = %d, want %d (%v)", fe.Attempts, wantAttempts, err)
	}
	if want != nil && !errors.Is(err, want) {
		t.Errorf("error %q does not match %q", err, want)
	}
	if wantStatus != 0 {
		var se *StatusError
		if !errors.As(err, &se) || se.Code != wantStatus {
			t.Errorf("error %q is not a *StatusError with code %d", err, wantStatus)
		}
	}
	if !strings.Contains(err.Error(), url) {
		t.Errorf("error %q does not name %s", err, url)
	}
}

func TestDownloadErrorMessage(t *testing.T) {
	srv := httptest.NewServer(status(503))
	defer srv.Close()
	c, _ := newTestClient(t, Spec{})
	url := srv.URL + "/mye24tablesew.xlsx"
	_, err := c.Download(t.Context(), Request{URL: url, Name: "ons-population mye24tablesew.xlsx"}, t.TempDir())
	want := "fetching ons-population mye24tablesew.xlsx from " + url + ": 503 Service Unavailable after 5 attempts"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v\nwant    %s", err, want)
	}
}

func TestDownloadConnectionRefusedIsRetried(t *testing.T) {
	srv := httptest.NewServer(status(200))
	url := srv.URL + "/x.csv"
	srv.Close()
	c, waits := newTestClient(t, Spec{Retries: 2})
	dir := t.TempDir()
	_, err := c.Download(t.Context(), Request{URL: url}, dir)
	assertError(t, err, url, syscall.ECONNREFUSED, 0, 3)
	if got := len(waits.get()); got != 2 {
		t.Errorf("%d backoffs, want 2", got)
	}
	assertNoFiles(t, dir)
}

func TestDownloadConditional(t *testing.T) {
	const etag, lastMod = `"v24"`, "Tue, 24 Jun 2025 09:30:00 GMT"
	s := &script{steps: []http.HandlerFunc{func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == etag && r.Header.Get("If-Modified-Since") == lastMod {
			w.Header().Set("ETag", etag)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", `"v25"`)
		w.Header().Set("Last-Modified", "Wed, 25 Jun 2025 09:30:00 GMT")
		serve("text/csv", csvBody(3))(w, r)
	}}}
	srv := httptest.NewServer(s)
	defer srv.Close()
	rep := &fakeReporter{}
	c, _ := newTestClient(t, Spec{}, WithProgress(rep))
	dir := t.TempDir()

	res, err := c.Download(t.Context(), Request{URL: srv.URL + "/a.csv", Expect: KindCSV, ETag: etag, LastModified: lastMod}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if !res.NotModified || res.Path != "" || res.ETag != etag || res.LastModified != lastMod || res.Attempts != 1 {
		t.Errorf("result %+v, want NotModified with validators echoed", res)
	}
	assertNoFiles(t, dir)
	if len(rep.dones) != 1 || rep.dones[0] != "not modified" {
		t.Errorf("progress outcomes %q, want [not modified]", rep.dones)
	}

	res, err = c.Download(t.Context(), Request{URL: srv.URL + "/a.csv", ETag: `"old"`}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if res.NotModified || res.ETag != `"v25"` || res.LastModified != "Wed, 25 Jun 2025 09:30:00 GMT" {
		t.Errorf("result %+v, want a fresh download with new validators", res)
	}
	if reqs := s.requests(); reqs[1].Header.Get("If-Modified-Since") != "" {
		t.Error("If-Modified-Since sent without a LastModified")
	}
}

func TestDownloadUnsolicited304(t *testing.T) {
	srv := httptest.NewServer(status(http.StatusNotModified))
	defer srv.Close()
	c, _ := newTestClient(t, Spec{})
	dir := t.TempDir()
	_, err := c.Download(t.Context(), Request{URL: srv.URL + "/a.csv"}, dir)
	assertError(t, err, srv.URL, nil, 304, 1)
	assertNoFiles(t, dir)
}

func TestDownloadRetryAfter(t *testing.T) {
	retryAfter := func(v string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", v)
			http.Error(w, "slow down", http.StatusTooManyRequests)
		}
	}
	ok := serve("text/csv", csvBody(1))
	tests := []struct {
		name  string
		steps []http.HandlerFunc
		want  []time.Duration
	}{
		{"seconds", []http.HandlerFunc{retryAfter("7"), ok}, []time.Duration{7 * time.Second}},
		{"capped at BackoffMax", []http.HandlerFunc{retryAfter("120"), retryAfter("0"), ok}, []time.Duration{30 * time.Second, 0}},
		{"HTTP date in the past", []http.HandlerFunc{retryAfter("Mon, 02 Jan 2006 15:04:05 GMT"), ok}, []time.Duration{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(&script{steps: tt.steps})
			defer srv.Close()
			c, waits := newTestClient(t, Spec{BackoffMax: 30 * time.Second})
			res, err := c.Download(t.Context(), Request{URL: srv.URL + "/a.csv"}, t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			if got := waits.get(); !equalDurations(got, tt.want) {
				t.Errorf("waits %v, want %v", got, tt.want)
			}
			if res.Attempts != len(tt.want)+1 {
				t.Errorf("Attempts = %d, want %d", res.Attempts, len(tt.want)+1)
			}
		})
	}
}

func TestDownloadBackoffIsCappedExponentialWithJitter(t *testing.T) {
	srv := httptest.NewServer(status(502))
	defer srv.Close()
	spec := Spec{Retries: 6, BackoffBase: 100 * time.Millisecond, BackoffMax: 500 * time.Millisecond}
	caps := []time.Duration{100, 200, 400, 500, 500, 500} // ms
	var seen [6]map[time.Duration]bool
	for i := range seen {
		seen[i] = map[time.Duration]bool{}
	}
	for range 20 {
		c, waits := newTestClient(t, spec)
		_, err := c.Download(t.Context(), Request{URL: srv.URL + "/a.csv"}, t.TempDir())
		assertError(t, err, srv.URL, nil, 502, 7)
		got := waits.get()
		if len(got) != len(caps) {
			t.Fatalf("waits %v, want %d of them", got, len(caps))
		}
		for i, w := range got {
			if w < 0 || w > caps[i]*time.Millisecond {
				t.Errorf("wait %d = %v, outside [0, %vms]", i+1, w, caps[i])
			}
			seen[i][w] = true
		}
	}
	if len(seen[5]) < 2 {
		t.Errorf("waits show no jitter: %v", seen[5])
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
