package sources_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/sources"
)

// --from reads regular files only: a named pipe with no writer, a device or a folder fails at once
// instead of blocking (with the warehouse locked) or reading forever.
func TestFromReadsRegularFilesOnly(t *testing.T) {
	f := newFixture(t)
	dir := t.TempDir()
	fifo := filepath.Join(dir, "returns.csv")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("cannot make a named pipe here: %v", err)
	}
	for _, from := range []string{fifo, "/dev/zero", dir} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		_, err := sources.Ingest(ctx, f.env, noDiscover{f.src}, sources.Options{From: from, Dataset: "counts", Vintage: "v1"})
		cancel()
		if !errors.Is(err, sources.ErrNotRegularFile) || !strings.Contains(err.Error(), from) {
			t.Errorf("--from %s: %v, want ErrNotRegularFile naming it", from, err)
		}
	}
	left, _ := os.ReadDir(f.env.Landing.TempDir())
	for _, e := range left {
		if e.Name() != ".lock" {
			t.Errorf("left in the temp folder: %s", e.Name())
		}
	}
}

// identified is the counts source with an Identify that opens the file before it is landed.
type identified struct{ counts }

func (identified) Identify(ctx context.Context, rel *sources.Release, files []sources.Fetched) error {
	wb, err := sheets.Open(files[0].Path)
	if err != nil {
		return err
	}
	return wb.Close()
}

// A reader's message names the user's file (or the publisher's), never the temp copy, whether the
// file came with --from or was downloaded; and the temp folder is empty afterwards.
func TestMessagesNameTheFileNotItsTempCopy(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	bad := filepath.Join(t.TempDir(), "council return.xlsx")
	if err := os.WriteFile(bad, []byte("PK\x03\x04 not really a workbook"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := sources.Ingest(ctx, f.env, identified{f.src}, sources.Options{From: bad, Dataset: "counts", Vintage: "v1"})
	if err == nil || !strings.Contains(err.Error(), "opening council return.xlsx") {
		t.Errorf("--from: %v, want a message naming council return.xlsx", err)
	}
	f.body.Store("PK\x03\x04 not really a workbook either")
	_, err = sources.Ingest(ctx, f.env, identified{f.src}, sources.Options{})
	if err == nil || !strings.Contains(err.Error(), "opening counts.csv") {
		t.Errorf("download: %v, want a message naming counts.csv", err)
	}
	left, _ := os.ReadDir(f.env.Landing.TempDir())
	for _, e := range left {
		if e.Name() != ".lock" {
			t.Errorf("left in the temp folder: %s", e.Name())
		}
	}
}

// Labels given on the command line or read from a file are refused when they hold line breaks,
// escape codes or text-reordering characters, or are too long.
func TestReleaseLabelsAreChecked(t *testing.T) {
	for _, o := range []sources.Options{{Vintage: "2024\n2025"}, {Vintage: "mid-2024\x1b[2J"}, {Dataset: "a\u202eb"},
		{Vintage: strings.Repeat("9", sources.MaxLabel+1)}, {Title: "t\r"}, {Vintage: " 2024"}} {
		if err := o.Validate(); !errors.Is(err, sources.ErrBadLabel) {
			t.Errorf("%#v: %v, want ErrBadLabel", o, err)
		}
	}
	for _, o := range []sources.Options{{}, {Vintage: "mid-2024", Dataset: "population", Title: "Mid-2024 estimates (£, café)"},
		{Vintage: "2024-04-01..2025-03-31"}} {
		if err := o.Validate(); err != nil {
			t.Errorf("%#v: %v", o, err)
		}
	}
	f := newFixture(t)
	p := filepath.Join(t.TempDir(), "counts.csv")
	os.WriteFile(p, []byte("name,n\na,1\n"), 0o644)
	_, err := sources.Ingest(context.Background(), f.env, noDiscover{f.src}, sources.Options{From: p, Dataset: "counts", Vintage: "v1\nv2"})
	if !errors.Is(err, sources.ErrBadLabel) || sources.Reason(err) != sources.ReasonInvalid {
		t.Errorf("a vintage with a newline: %v (reason %s), want ErrBadLabel, invalid", err, sources.Reason(err))
	}
}
