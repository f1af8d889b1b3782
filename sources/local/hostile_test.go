package local

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/sourcestest"
)

// oneLine writes a return of n bytes on one line (no newline, no comma).
func oneLine(t testing.TB, n int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "return.csv")
	if err := os.WriteFile(p, bytes.Repeat([]byte("x"), n), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A return far larger than any council's fails with the readers' limits, quoting none of it; a
// header cell of megabytes is named clipped in a message of a few hundred bytes.
func TestHostileReturnsFailCheaply(t *testing.T) {
	_, err := readUsage(oneLine(t, 20<<20), "return.csv")
	if !errors.Is(err, sheets.ErrTooLarge) || len(err.Error()) > 300 || !strings.Contains(err.Error(), "return.csv") {
		t.Errorf("a 20 MiB one-line return: %.300v (%d bytes)", err, len(err.Error()))
	}
	wide := strings.Repeat("h", 3<<20)
	for name, decode := range map[string]func([]byte) error{
		"usage":      func(b []byte) error { _, err := DecodeUsage("return.csv", b); return err },
		"neighbours": func(b []byte) error { _, err := DecodeNeighbours("return.csv", b); return err },
		"investment": func(b []byte) error { _, err := Decode[investmentRow](InvestmentTemplate, "return.csv", b); return err },
	} {
		body := []byte(strings.TrimSuffix(usageHeader, "\n") + "," + wide + "\n" + "E06000065," + wide + "\n")
		err := decode(body)
		var ve *sources.ValidationError
		if !errors.As(err, &ve) || len(err.Error()) > 2000 || !strings.Contains(err.Error(), "clipped: 3145728 bytes") {
			t.Errorf("%s: a 3 MiB header cell: %d bytes: %.400v", name, len(err.Error()), err)
		}
	}
}

// Through the ingest driver, a return larger than MaxReturnBytes fails before any of it is read, and
// one that fits but holds a 20 MiB line fails at the reader's record limit; neither changes a
// table, and the ledger's error stays short.
func TestHugeReturnsThroughTheDriver(t *testing.T) {
	env := sourcestest.Env(t)
	before := sourcestest.Stats(t, env)
	for _, tc := range []struct {
		size int
		want error
	}{{100_000_000, sources.ErrFileTooLarge}, {20 << 20, sheets.ErrTooLarge}} {
		path := oneLine(t, tc.size)
		_, err := sources.Ingest(context.Background(), env, Returns{}, sources.Options{From: path})
		if !errors.Is(err, tc.want) {
			t.Errorf("a %d-byte one-line return: %v, want %v", tc.size, err, tc.want)
		}
		var msg string
		if err := env.DB.QueryRow(context.Background(), `SELECT error FROM meta.loads ORDER BY load_id DESC LIMIT 1`).Scan(&msg); err != nil || len(msg) > 400 {
			t.Errorf("meta.loads.error: %d bytes (%v): %.400q", len(msg), err, msg)
		}
	}
	sourcestest.Unchanged(t, before, sourcestest.Stats(t, env))
}

// BenchmarkHugeReturn reads a 100 MB one-line return with the returns' reader (issue #20; the
// ingest driver refuses so large a file before reading it): it fails after reading about
// MaxRecordBytes, in well under 2 s and 200 MB.
func BenchmarkHugeReturn(b *testing.B) {
	path := oneLine(b, 100_000_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := readUsage(path, "return.csv"); !errors.Is(err, sheets.ErrTooLarge) {
			b.Fatal(err)
		}
	}
}
