package safetext

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	if got := Clip("short", 10); got != "short" {
		t.Errorf("Clip kept %q", got)
	}
	long := strings.Repeat("é", 1000) // 2000 bytes
	got := Value(long)
	if len(got) > ValueMax || !utf8.ValidString(got) || !strings.HasSuffix(got, "…[clipped: 2000 bytes]") || !strings.HasPrefix(got, "éé") {
		t.Errorf("Value(2000 bytes) = %q (%d bytes)", got, len(got))
	}
	huge := strings.Repeat("x", 100<<20)
	if got := Field(huge); len(got) > FieldMax || !strings.HasSuffix(got, "…[clipped: 104857600 bytes]") {
		t.Errorf("Field(100 MiB) is %d bytes, ending %q", len(got), got[len(got)-40:])
	}
	if got := Clip(huge, 3); got != "…[clipped: 104857600 bytes]" {
		t.Errorf("Clip below the note's length = %q", got)
	}
}

func TestTerminal(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, with\ttab\nand newline": "plain text, with\ttab\nand newline",
		"£5 café":                            "£5 café",
		"red \x1b[31malert\x1b[0m":           `red \x1b[31malert\x1b[0m`,
		"over\rwrite":                        `over\x0dwrite`,
		"bell\x07 del\x7f":                   `bell\x07 del\x7f`,
		"c1 \u009b2J":                        `c1 \x9b2J`,
		"rtl \u202egnp.exe":                  `rtl \u202egnp.exe`,
		"bad \xff byte":                      `bad \xff byte`,
	} {
		if got := Terminal(in); got != want {
			t.Errorf("Terminal(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriterEscapesAndClipsLines(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Write([]byte("first \x1b]0;title\x07 line\n"))
	w.Write([]byte(strings.Repeat("y", 3000)))
	w.Write([]byte(strings.Repeat("y", 3000) + "\nshort\n"))
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines: %.200q", len(lines), buf.String())
	}
	if lines[0] != `first \x1b]0;title\x07 line` {
		t.Errorf("first line %q", lines[0])
	}
	if len(lines[1]) > FieldMax || !strings.HasSuffix(lines[1], "…[clipped]") {
		t.Errorf("a 6000-byte line came out %d bytes ending %q", len(lines[1]), lines[1][len(lines[1])-20:])
	}
	if lines[2] != "short" {
		t.Errorf("the line after a clipped one is %q", lines[2])
	}
}
