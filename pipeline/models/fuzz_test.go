package models

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cornerstone-data/cornerstone/queries"
)

// modelFiles returns the bodies of the project's model files, the fuzz seeds.
func modelFiles(f *testing.F) []string {
	f.Helper()
	var out []string
	fsys := queries.FS()
	fs.WalkDir(fsys, "models", func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".sql") {
			if b, err := fs.ReadFile(fsys, p); err == nil {
				out = append(out, string(b))
			}
		}
		return nil
	})
	if len(out) == 0 {
		f.Fatal("no model files under queries/models")
	}
	return out
}

// FuzzParseHeader: a model file of any content gives a header or errors, never a panic, and every
// test line of a header that parses cleanly goes through ParseTest without a panic.
func FuzzParseHeader(f *testing.F) {
	for _, b := range modelFiles(f) {
		f.Add(b)
	}
	f.Add("-- name: core.x\n-- depends:\n-- materialized: table\n-- test: unique(a, b\nSELECT 1")
	f.Add("-- name: core.x\n\n-- depends: raw.y\nSELECT 1")
	f.Add("-- name: \"core\".\"x; DROP TABLE raw.y; --\"\nSELECT 1")
	f.Fuzz(func(t *testing.T, body string) {
		h, errs := ParseHeader("m.sql", body)
		if len(errs) > 0 {
			return
		}
		if h.Lines < 0 || h.Lines > strings.Count(body, "\n")+1 {
			t.Fatalf("header of %d lines in a body of %d", h.Lines, strings.Count(body, "\n")+1)
		}
		for _, spec := range h.Tests {
			ParseTest(h.Name, spec)
		}
		parseModel(fstest.MapFS{}, "m.sql", body)
	})
}

// FuzzParseTest: any test spec parses or fails, never panics; a parsed spec keeps its model.
func FuzzParseTest(f *testing.F) {
	for _, b := range modelFiles(f) {
		h, _ := ParseHeader("m.sql", b)
		for _, s := range h.Tests {
			f.Add(s)
		}
	}
	for _, s := range []string{"unique(a, b) severity=warn", "accepted_values(tier: 'a', 'b''c')", "relationships(a -> core.areas.area_code)",
		"expect(c3 = c1 + c2)", "row_count(max_drop=0.5)", "min_rows(1)", "freshness(ons-population)", "expect(1); DROP TABLE x; --)",
		"accepted_values(tier: ')", "unique(\"a\"\"b\")"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		ParseTest("core.x", spec)
	})
}
