package local

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/sources"
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

// BenchmarkHugeReturn reads a 100 MB one-line return (issue #20): it must fail after reading about
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
