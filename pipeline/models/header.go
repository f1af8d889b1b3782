package models

import (
	"bufio"
	"fmt"
	"regexp"
	"strings"
)

// headerRe is the one regexp that parses a header line: "-- key: value".
var headerRe = regexp.MustCompile(`^--\s*([a-z_]+):\s*(.*?)\s*$`)

// headerKeys are the keys a header may use; "test" may repeat, the others may not.
var headerKeys = map[string]bool{
	"name": true, "depends": true, "materialized": true, "description": true, "test": true, "grain": true,
}

// Header is the parsed header of a model file.
type Header struct {
	Name         string
	Depends      []string
	Materialized string
	Description  string
	Grain        string
	Tests        []string
	// HasDepends is true when the header has a depends line (which may be empty).
	HasDepends bool
	// Lines is the number of header lines (the SQL body starts after them).
	Lines int
}

// ParseHeader reads the leading "-- key: value" lines of a model or function file. The header ends at the first
// line that is not a header line; blank lines inside it are not allowed. It reports every problem in
// the header at once.
func ParseHeader(file, body string) (Header, []error) {
	var h Header
	var errs []error
	seen := map[string]bool{}
	sc := bufio.NewScanner(strings.NewReader(body))
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		text := sc.Text()
		m := headerRe.FindStringSubmatch(text)
		if m == nil {
			break
		}
		line++
		key, val := m[1], m[2]
		if !headerKeys[key] {
			errs = append(errs, fmt.Errorf("%s:%d: unknown header key %q", file, line, key))
			continue
		}
		if key != "test" && seen[key] {
			errs = append(errs, fmt.Errorf("%s:%d: header key %q repeated", file, line, key))
			continue
		}
		seen[key] = true
		switch key {
		case "name":
			h.Name = val
		case "depends":
			for _, d := range strings.Split(val, ",") {
				if d = strings.TrimSpace(d); d != "" {
					h.Depends = append(h.Depends, d)
				}
			}
		case "materialized":
			h.Materialized = val
		case "description":
			h.Description = val
		case "grain":
			h.Grain = val
		case "test":
			h.Tests = append(h.Tests, val)
		}
	}
	h.Lines = line
	h.HasDepends = seen["depends"]
	if h.Name == "" {
		errs = append(errs, fmt.Errorf("%s: header has no \"-- name:\" line", file))
	}
	switch h.Materialized {
	case "":
		h.Materialized = "table"
	case "table", "view", "seed", "macro", "union":
	default:
		errs = append(errs, fmt.Errorf("%s: materialized %q: want table, view, seed, macro or union", file, h.Materialized))
	}
	return h, errs
}
