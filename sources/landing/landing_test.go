package landing

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"

func TestLandIsWriteOnce(t *testing.T) {
	z, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	write := func(body string) string {
		f, err := os.CreateTemp(z.TempDir(), "dl-")
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(body)
		f.Close()
		return f.Name()
	}
	p := Provenance{Source: "ons-population", Filename: "../../etc/passwd", SHA256: sha, RetrievedAt: time.Unix(0, 0).UTC(), Vintage: "mid-2024"}
	f1, err := z.Land(write("test"), p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(f1.Path, z.Root()) || filepath.Base(f1.Path) != "passwd" {
		t.Fatalf("landed at %s", f1.Path)
	}
	p.Vintage = "other"
	tmp := write("test")
	f2, err := z.Land(tmp, p)
	if err != nil {
		t.Fatal(err)
	}
	if f2.Path != f1.Path || f2.Vintage != "mid-2024" {
		t.Fatalf("second landing replaced the first: %+v", f2)
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Fatal("temp file left behind")
	}
	if b, _ := os.ReadFile(f1.Path); string(b) != "test" {
		t.Fatalf("content %q", b)
	}
	if err := os.WriteFile(f1.Path, []byte("x"), 0o644); err == nil && os.Getuid() != 0 {
		t.Fatal("landed file is writable")
	}
}

func TestSafeName(t *testing.T) {
	for in, want := range map[string]string{
		"../../x.csv":            "x.csv",
		"/abs/path/RO5 2024.ods": "RO5 2024.ods",
		"..":                     "file",
		"a\x00b;rm -rf.xlsx":     "a_b_rm -rf.xlsx",
		`C:\\evil\\f.csv`:        "f.csv",
		"":                       "file",
	} {
		if got := SafeName(in); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", in, got, want)
		}
	}
	if n := len(SafeName(strings.Repeat("a", 1000) + ".csv")); n > 180 {
		t.Errorf("long name kept %d bytes", n)
	}
}
