package browser_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/reports/browser/browsertest"
)

// The auditor finds what it is there to find: a console error, an image that does not load, a
// link to a missing file or fragment, and an image without alt text (a critical axe-core rule).
func TestAuditFindsProblems(t *testing.T) {
	b := browsertest.Start(t)
	axe := browsertest.Axe(t)
	dir := t.TempDir()
	good := `<!DOCTYPE html><html lang="en"><head><title>ok</title></head><body><main><h1 id="top">Fine</h1><a href="bad.html">link</a></main></body></html>`
	bad := `<!DOCTYPE html><html lang="en"><head><title>bad</title></head><body><main><h1>Bad</h1>
		<img src="missing.png"><a href="nowhere.html">gone</a><a href="good.html#nope">no id</a><a href="good.html#top">ok</a>
		<a href="https://example.org/">external</a><script>console.error("boom")</script></main></body></html>`
	for name, body := range map[string]string{"good.html": good, "bad.html": bad} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	audits, err := b.AuditSite(context.Background(), dir, axe)
	if err != nil {
		t.Fatal(err)
	}
	if len(audits) != 2 {
		t.Fatalf("%d audits", len(audits))
	}
	badA, goodA := audits[0], audits[1]
	if p := goodA.Problems(); len(p) != 0 {
		t.Errorf("good page: %v", p)
	}
	all := strings.Join(badA.Problems(), "\n")
	for _, want := range []string{`console: console.error: "boom"`, "image did not load: missing.png", "nowhere.html", "good.html#nope (no element with that id)", "accessibility: image-alt (critical)"} {
		if !strings.Contains(all, want) {
			t.Errorf("problems lack %q:\n%s", want, all)
		}
	}
	if strings.Contains(all, "link does not resolve: file://"+filepath.ToSlash(dir)+"/good.html#top") {
		t.Errorf("a good fragment link was reported:\n%s", all)
	}
	if len(badA.External) != 1 || badA.External[0] != "https://example.org/" {
		t.Errorf("external links %v", badA.External)
	}
}
