// Package safetext bounds and escapes text that came from data (a cell, a header, a file name, a
// publisher's title) before it reaches an error message, the run ledger, a notification or a
// terminal, so that a hostile file can neither make a message megabytes long nor move the cursor
// of the terminal that shows it.
//
// Every path that prints or records such text uses it: Value for a bad value quoted in a message,
// Field for a ledger field, a notification field or a log line, Terminal and NewWriter for what
// reaches stderr or a table on stdout.
package safetext

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Bounds, in bytes.
const (
	// ValueMax bounds a bad value (a cell, a header) quoted in a message.
	ValueMax = 200
	// FieldMax bounds a ledger field (meta.loads.error, a step's error in meta.runs.summary), a
	// notification field and one line on stderr: under 4 KiB with room for JSON escaping.
	FieldMax = 4000
)

// Clip returns s when it is at most max bytes long; otherwise the longest prefix that leaves room
// for a note saying so, cut at a rune boundary, followed by the note ("…[clipped: 104857600
// bytes]"), the whole at most max bytes (max below the note's length yields the note alone).
func Clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	note := fmt.Sprintf("…[clipped: %d bytes]", len(s))
	cut := max - len(note)
	if cut <= 0 {
		return note
	}
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + note
}

// Value clips a bad value for quoting in a message (ValueMax bytes).
func Value(s string) string { return Clip(s, ValueMax) }

// Field clips text for a ledger field, a notification field or a log line (FieldMax bytes).
func Field(s string) string { return Clip(s, FieldMax) }

// Terminal returns s with every character a terminal would act on written as an escape: C0
// controls other than newline and tab (carriage return and ESC included), DEL, C1 controls, the
// bidirectional overrides and isolates that reorder a line (U+202A-U+202E, U+2066-U+2069, U+200E,
// U+200F) and invalid UTF-8 bytes. Printable text, newlines and tabs are kept. s is returned as it
// is when it holds none of them.
func Terminal(s string) string {
	if !hasUnsafe(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case unsafeRune(r):
			if r < 0x100 {
				fmt.Fprintf(&b, `\x%02x`, r)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Line escapes s for a terminal and clips each of its lines to FieldMax bytes.
func Line(s string) string {
	s = Terminal(s)
	if len(s) <= FieldMax {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = Field(l)
	}
	return strings.Join(lines, "\n")
}

func hasUnsafe(s string) bool {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unsafeRune(r) {
			return true
		}
		i += size
	}
	return false
}

func unsafeRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// Writer escapes what is written through it for a terminal (Terminal) and clips each line to
// FieldMax bytes, ending a clipped line with "…[clipped]". A character split across two writes is
// escaped as invalid UTF-8; callers write whole lines or whole messages.
type Writer struct {
	w       io.Writer
	col     int  // bytes written on the current line
	clipped bool // the current line was clipped: drop the rest of it
}

// NewWriter returns a Writer writing to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write implements io.Writer; it reports len(p) written when the escaped text was written.
func (w *Writer) Write(p []byte) (int, error) {
	var out []byte
	for _, line := range strings.SplitAfter(Terminal(string(p)), "\n") {
		if line == "" {
			continue
		}
		body, nl := strings.CutSuffix(line, "\n")
		if !w.clipped {
			if room := FieldMax - len("…[clipped]") - w.col; len(body) > room {
				cut := max(room, 0)
				for cut > 0 && !utf8.RuneStart(body[cut]) {
					cut--
				}
				out = append(out, body[:cut]...)
				out = append(out, "…[clipped]"...)
				w.clipped = true
			} else {
				out = append(out, body...)
				w.col += len(body)
			}
		}
		if nl {
			out = append(out, '\n')
			w.col, w.clipped = 0, false
		}
	}
	if _, err := w.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}
