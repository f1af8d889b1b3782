package cli

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/sources"
)

// How the fault matrix injects faults: mirror overrides, broken bodies and files, configs.

// sampleKey returns the mirror key of the demo file whose name ends with suffix.
func (m *mirror) sampleKey(t *testing.T, suffix string) (string, []byte) {
	t.Helper()
	var keys []string
	for k := range m.sample.Files {
		if strings.HasSuffix(k, suffix) {
			keys = append(keys, k)
		}
	}
	if len(keys) != 1 {
		t.Fatalf("the demo sample has %d files named %s", len(keys), suffix)
	}
	return keys[0], m.sample.Files[keys[0]].Body
}

// override serves the file named suffix with h instead of the sample.
func (m *mirror) override(t *testing.T, suffix string, h http.HandlerFunc) {
	key, _ := m.sampleKey(t, suffix)
	m.mu.Lock()
	m.over[key] = h
	m.mu.Unlock()
}

func (m *mirror) clear() {
	m.mu.Lock()
	m.over = map[string]http.HandlerFunc{}
	m.mu.Unlock()
}

// serveBody answers 200 with body and the content type.
func serveBody(contentType string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Header().Set("Last-Modified", time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC).Format(http.TimeFormat))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			w.Write(body)
		}
	}
}

// enabledConfig writes a config fetching through the mirror with only the given sources enabled,
// fetch timeouts short enough for tests, and extra TOML appended.
func enabledConfig(t *testing.T, path, mirrorURL string, ids []string, extra string) string {
	t.Helper()
	on := map[string]bool{}
	for _, id := range ids {
		on[id] = true
	}
	var b strings.Builder
	fmt.Fprintf(&b, "[fetch]\nmirror = %q\nretries = 1\nbackoff_base = \"10ms\"\ntimeout = \"3s\"\nidle_timeout = \"1s\"\n%s\n", mirrorURL, extra)
	for _, id := range sources.Names() {
		if !on[id] {
			fmt.Fprintf(&b, "[sources.%s]\nenabled = false\n\n", id)
		}
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// rowCounts reduces dataStats to "table rows" lines (hashes include load ids and times, which
// differ between two clean runs).
func rowCounts(stats string) string {
	var b strings.Builder
	for _, l := range strings.Split(strings.TrimSpace(stats), "\n") {
		f := strings.Fields(l)
		if len(f) == 3 {
			fmt.Fprintf(&b, "%s %s\n", f[0], f[1])
		}
	}
	return b.String()
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// truncateHalf answers with the headers of the full body and half of it, then drops the
// connection: the client sees an unexpected EOF.
func truncateHalf(contentType string, body []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		if r.Method == http.MethodHead {
			return
		}
		w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		if hj, ok := w.(http.Hijacker); ok {
			if c, _, err := hj.Hijack(); err == nil {
				c.Close()
			}
		}
	}
}

// stall sends headers (and part of the body when part is true), then sends nothing more until the
// client gives up.
func stall(contentType string, body []byte, part bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if part {
			w.Header().Set("Content-Type", contentType)
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(http.StatusOK)
			w.Write(body[:len(body)/3])
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-time.After(20 * time.Second):
		}
	}
}

// rewriteZip copies the zip real entry by entry; edit writes an entry itself and reports true, or
// reports false to have it copied as it was.
func rewriteZip(t *testing.T, real []byte, edit func(zw *zip.Writer, f *zip.File) bool) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(real), int64(len(real)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if edit(zw, f) {
			continue
		}
		rc, _ := f.Open()
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: f.Method})
		io.Copy(w, rc)
		rc.Close()
	}
	zw.Close()
	return buf.Bytes()
}

// zipBomb returns an XLSX-shaped zip whose worksheet declares 3 GiB when inflated: a reader that
// trusted it would exhaust memory or disk.
func zipBomb(t *testing.T, real []byte) []byte {
	return rewriteZip(t, real, func(zw *zip.Writer, f *zip.File) bool {
		if !strings.HasPrefix(f.Name, "xl/worksheets/") {
			return false
		}
		// 16 MiB of '<' compresses to a few KiB; the header claims 3 GiB.
		var comp bytes.Buffer
		fw, _ := flate.NewWriter(&comp, flate.BestCompression)
		chunk := bytes.Repeat([]byte("<"), 1<<20)
		crc := crc32.NewIEEE()
		for range 16 {
			fw.Write(chunk)
			crc.Write(chunk)
		}
		fw.Close()
		w, err := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, CRC32: crc.Sum32(),
			CompressedSize64: uint64(comp.Len()), UncompressedSize64: 3 << 30})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(comp.Bytes())
		return true
	})
}

// corruptODS returns the ODS with its content.xml cut mid-element.
func corruptODS(t *testing.T, real []byte) []byte {
	return rewriteZip(t, real, func(zw *zip.Writer, f *zip.File) bool {
		if f.Name != "content.xml" {
			return false
		}
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		b = append(b[:len(b)*2/3], []byte("<table:table-row><table:table-cell office:value-type=")...)
		w, _ := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: f.Method})
		w.Write(b)
		return true
	})
}

// withHeader rewrites a CSV's header line with edit.
func withHeader(body []byte, edit func(string) string) []byte {
	head, rest, _ := bytes.Cut(body, []byte("\n"))
	return append([]byte(edit(string(head))+"\n"), rest...)
}

const (
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	odsType  = "application/vnd.oasis.opendocument.spreadsheet"
)
