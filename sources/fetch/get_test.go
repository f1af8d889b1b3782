package fetch

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestGetJSON(t *testing.T) {
	type doc struct {
		Items []struct{ ID string } `json:"items"`
	}
	good := []byte("\xEF\xBB\xBF {\"items\":[{\"ID\":\"mye24\"}]}")
	tests := []struct {
		name         string
		steps        []http.HandlerFunc
		spec         Spec
		wantErr      error
		wantOp       string
		wantAttempts int
	}{
		{name: "decodes", steps: []http.HandlerFunc{serve("application/json", good)}, wantAttempts: 1},
		{name: "retries 503", steps: []http.HandlerFunc{status(503), serve("application/json", good)}, wantAttempts: 2},
		{name: "JSON served as text/html is accepted", steps: []http.HandlerFunc{serve("text/html", good)}, wantAttempts: 1},
		{name: "HTML page", steps: []http.HandlerFunc{serve("text/html", []byte("<html><body>Access denied</body></html>"))},
			wantErr: ErrHTML, wantOp: "fetching", wantAttempts: 1},
		{name: "not JSON", steps: []http.HandlerFunc{serve("application/json", []byte("id,name\n1,a\n"))},
			wantErr: ErrUnexpectedFormat, wantOp: "fetching", wantAttempts: 1},
		{name: "too large", steps: []http.HandlerFunc{chunked([]byte(`{"items":[` + strings.Repeat(`{"ID":"x"},`, 100) + `{}]}`))},
			spec: Spec{MaxBytes: 100}, wantErr: ErrTooLarge, wantOp: "fetching", wantAttempts: 1},
		{name: "bad JSON", steps: []http.HandlerFunc{serve("application/json", []byte(`{"items":[}`))},
			wantOp: "decoding", wantAttempts: 1},
		{name: "empty", steps: []http.HandlerFunc{serve("application/json", nil)}, wantErr: ErrEmpty, wantOp: "fetching", wantAttempts: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{steps: tt.steps}
			srv := httptest.NewServer(s)
			defer srv.Close()
			c, _ := newTestClient(t, tt.spec)
			var v doc
			err := c.GetJSON(t.Context(), srv.URL+"/api/v1/datasets", &v)
			if tt.wantOp == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(v.Items) != 1 || v.Items[0].ID != "mye24" {
					t.Errorf("decoded %+v", v)
				}
				if got := s.requests()[0].Header.Get("Accept"); got != "application/json" {
					t.Errorf("Accept = %q", got)
				}
				return
			}
			t.Logf("error: %v", err)
			assertError(t, err, srv.URL+"/api/v1/datasets", tt.wantErr, 0, tt.wantAttempts)
			var fe *Error
			if errors.As(err, &fe) && fe.Op != tt.wantOp {
				t.Errorf("Op = %q, want %q", fe.Op, tt.wantOp)
			}
		})
	}
}

func TestGetPage(t *testing.T) {
	page := []byte(`<!doctype html><html><body><a href="/media/data.xlsx">Data</a></body></html>`)
	mux := http.NewServeMux()
	mux.HandleFunc("/old", redirect("/funding/data"))
	mux.HandleFunc("/funding/data", serve("text/html; charset=utf-8", page))
	mux.HandleFunc("/empty", serve("text/html", nil))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, _ := newTestClient(t, Spec{})

	body, final, err := c.GetPage(t.Context(), srv.URL+"/old")
	if err != nil {
		t.Fatal(err)
	}
	if string(body) != string(page) || final != srv.URL+"/funding/data" {
		t.Errorf("GetPage = %q, %q", body, final)
	}
	_, _, err = c.GetPage(t.Context(), srv.URL+"/empty")
	assertError(t, err, srv.URL+"/empty", ErrEmpty, 0, 1)
	_, _, err = c.GetPage(t.Context(), srv.URL+"/missing")
	assertError(t, err, srv.URL+"/missing", nil, 404, 1)
}

func TestMirror(t *testing.T) {
	csv := csvBody(10)
	var mirrorURL string
	mux := http.NewServeMux()
	mux.HandleFunc("/www.ons.gov.uk/file.csv", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawQuery != "edition=2024&x=a%2Fb" {
			http.Error(w, "bad query "+r.URL.RawQuery, 400)
			return
		}
		serve("text/csv", csv)(w, r)
	})
	mux.HandleFunc("/pub.example/absolute", redirect("https://pub.example/relative"))
	mux.HandleFunc("/pub.example/relative", redirect("/to-mirror"))
	mux.HandleFunc("/pub.example/to-mirror", func(w http.ResponseWriter, r *http.Request) {
		redirect(mirrorURL+"/pub.example/files/final%20data.csv")(w, r)
	})
	mux.HandleFunc("/pub.example/files/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/pub.example/files/final data.csv" {
			http.NotFound(w, r)
			return
		}
		serve("text/csv", csv)(w, r)
	})
	mux.HandleFunc("/api.example/v1", serve("application/json", []byte(`{"ok":true}`)))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	mirrorURL = srv.URL

	c, _ := newTestClient(t, Spec{Mirror: srv.URL})
	dir := t.TempDir()
	res, err := c.Download(t.Context(), Request{URL: "https://www.ons.gov.uk/file.csv?edition=2024&x=a%2Fb"}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if res.URL != "https://www.ons.gov.uk/file.csv?edition=2024&x=a%2Fb" || res.FinalURL != res.URL || res.SHA256 != sha(csv) {
		t.Errorf("result %+v", res)
	}

	res, err = c.Download(t.Context(), Request{URL: "https://pub.example/absolute"}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if res.FinalURL != "https://pub.example/files/final%20data.csv" || res.Size != int64(len(csv)) {
		t.Errorf("through redirects: FinalURL %q, Size %d", res.FinalURL, res.Size)
	}

	var v struct{ OK bool }
	if err := c.GetJSON(t.Context(), "https://api.example/v1", &v); err != nil || !v.OK {
		t.Errorf("GetJSON through mirror: %v, %+v", err, v)
	}

	_, err = c.Download(t.Context(), Request{URL: "https://other.example/missing.csv"}, t.TempDir())
	var se *StatusError
	if !errors.As(err, &se) || se.Code != 404 || se.URL != "https://other.example/missing.csv" {
		t.Errorf("missing file through mirror: %v (StatusError %+v)", err, se)
	}
}

func TestMirrorTransportRewrite(t *testing.T) {
	tests := []struct{ mirror, in, want string }{
		{"http://127.0.0.1:8080", "https://www.ons.gov.uk/a/b.xlsx?x=1", "http://127.0.0.1:8080/www.ons.gov.uk/a/b.xlsx?x=1"},
		{"http://127.0.0.1:8080/", "https://host.example/", "http://127.0.0.1:8080/host.example/"},
		{"http://127.0.0.1:8080/m/", "http://host.example:8443/p%2Fq/r%20s", "http://127.0.0.1:8080/m/host.example:8443/p%2Fq/r%20s"},
		{"http://127.0.0.1:8080/m", "https://host.example", "http://127.0.0.1:8080/m/host.example"},
		{"http://127.0.0.1:8080/m", "https://host.example/a#frag", "http://127.0.0.1:8080/m/host.example/a"},
		// already in the mirror: unchanged
		{"http://127.0.0.1:8080/m", "http://127.0.0.1:8080/m/host.example/a?q", "http://127.0.0.1:8080/m/host.example/a?q"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080/host.example/a", "http://127.0.0.1:8080/host.example/a"},
		// same host, outside the mirror's path: rewritten
		{"http://127.0.0.1:8080/m", "http://127.0.0.1:8080/other", "http://127.0.0.1:8080/m/127.0.0.1:8080/other"},
	}
	for _, tt := range tests {
		m, _ := url.Parse(tt.mirror)
		in, _ := url.Parse(tt.in)
		mt := &MirrorTransport{Mirror: m}
		got := mt.Rewrite(in)
		if got.String() != tt.want {
			t.Errorf("Rewrite(%s) with mirror %s = %s, want %s", tt.in, tt.mirror, got, tt.want)
		}
		if in.String() != tt.in {
			t.Errorf("Rewrite modified its input: %s", in)
		}
		back, ok := mt.Unmirror(got)
		if ok && strings.HasPrefix(tt.in, "https://") && !strings.Contains(tt.in, "#") && back.String() != tt.in {
			t.Errorf("Unmirror(%s) = %s, want %s", got, back, tt.in)
		}
	}
}

func TestMirrorTransportRoundTrip(t *testing.T) {
	var gotPath, gotHost string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotHost = r.URL.Path, r.Host
		w.WriteHeader(204)
	}))
	defer srv.Close()
	m, _ := url.Parse(srv.URL + "/mirror")
	client := &http.Client{Transport: &MirrorTransport{Base: srv.Client().Transport, Mirror: m}}
	resp, err := client.Get("https://data.example.org/x/y.csv")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if gotPath != "/mirror/data.example.org/x/y.csv" || gotHost != m.Host {
		t.Errorf("mirror saw path %q host %q", gotPath, gotHost)
	}
	if resp.Request.URL.String() != "https://data.example.org/x/y.csv" {
		t.Errorf("resp.Request.URL = %s, want the original", resp.Request.URL)
	}
}
