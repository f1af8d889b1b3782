package browser

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// ErrNoNpm means npm, needed to install axe-core, was not found.
var ErrNoNpm = errors.New("npm not found: install Node.js and npm to fetch axe-core")

// AxeVersion is the axe-core release InstallAxe fetches.
const AxeVersion = "4"

// InstallAxe returns the source of axe.min.js, installing axe-core from the npm registry into dir
// (a cache folder) when it is not there yet.
func InstallAxe(ctx context.Context, dir string) (string, error) {
	script := filepath.Join(dir, "node_modules", "axe-core", "axe.min.js")
	if b, err := os.ReadFile(script); err == nil {
		return string(b), nil
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", ErrNoNpm
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix", dir, "axe-core@"+AxeVersion)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("installing axe-core with npm: %w\n%s", err, out.String())
	}
	b, err := os.ReadFile(script)
	if err != nil {
		return "", fmt.Errorf("installing axe-core with npm: %w", err)
	}
	return string(b), nil
}

// Violation is one axe-core rule a page breaks.
type Violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// Serious reports whether the violation's impact is serious or critical.
func (v Violation) Serious() bool { return v.Impact == "serious" || v.Impact == "critical" }

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s at %s", v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "; "))
}

// Audit is what a page's audit found.
type Audit struct {
	Page string
	// Console holds console errors, uncaught exceptions and resources that failed to load.
	Console []string
	// BrokenImages are images that did not load.
	BrokenImages []string
	// BrokenLinks are local links whose file (or #fragment) does not exist.
	BrokenLinks []string
	// External are the links to other sites (not fetched).
	External []string
	// Violations are axe-core's WCAG 2.2 A and AA findings (empty when axe was not given).
	Violations []Violation
}

// Problems lists everything that should fail a page: console errors, broken images and links,
// and serious or critical accessibility violations.
func (a Audit) Problems() []string {
	var out []string
	for _, c := range a.Console {
		out = append(out, "console: "+c)
	}
	for _, i := range a.BrokenImages {
		out = append(out, "image did not load: "+i)
	}
	for _, l := range a.BrokenLinks {
		out = append(out, "link does not resolve: "+l)
	}
	for _, v := range a.Violations {
		if v.Serious() {
			out = append(out, "accessibility: "+v.String())
		}
	}
	return out
}

// wcagTags are the axe-core rule tags checked: WCAG 2.0, 2.1 and 2.2 at levels A and AA.
var wcagTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"}

// Audit loads a local page and checks it: console errors, images, links, and, when axe holds
// axe-core's source, accessibility.
func (b *Browser) Audit(ctx context.Context, path, axe string) (Audit, error) {
	a := Audit{Page: path}
	if axe != "" && b.axe != axe {
		// Install axe-core once per tab: the browser runs it in every page it loads from now on,
		// which is much faster than sending the script again for each page.
		tctx, cancel := merge(b.tab, ctx)
		_, err := chromedp.Call(tctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: axe})
		cancel()
		if err != nil {
			return a, fmt.Errorf("installing axe-core in the browser: %w", err)
		}
		b.axe = axe
	}
	console, err := b.Open(ctx, path)
	if err != nil {
		return a, err
	}
	a.Console = console
	if a.BrokenImages, err = Eval[[]string](ctx, b, `Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute('src'))`); err != nil {
		return a, fmt.Errorf("checking the images of %s: %w", path, err)
	}
	links, err := Eval[[]string](ctx, b, `Array.from(document.querySelectorAll('a[href]')).map(a => a.href)`)
	if err != nil {
		return a, fmt.Errorf("reading the links of %s: %w", path, err)
	}
	a.BrokenLinks, a.External = checkLinks(links)
	if axe != "" {
		tags := `['` + strings.Join(wcagTags, `','`) + `']`
		a.Violations, err = Eval[[]Violation](ctx, b, `axe.run(document, {runOnly: {type: 'tag', values: `+tags+`}, resultTypes: ['violations']})
			.then(r => r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help,
				nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' ' + (n.failureSummary || ''))})))`)
		if err != nil {
			return a, fmt.Errorf("running axe-core on %s: %w", path, err)
		}
	}
	return a, nil
}

// checkLinks resolves file:// links on disk (and their #fragment as an element id); other
// schemes are listed as external.
func checkLinks(links []string) (broken, external []string) {
	seen := map[string]bool{}
	ids := map[string]string{}
	for _, l := range links {
		if seen[l] {
			continue
		}
		seen[l] = true
		u, err := url.Parse(l)
		if err != nil {
			broken = append(broken, l+" ("+err.Error()+")")
			continue
		}
		if u.Scheme != "file" {
			external = append(external, l)
			continue
		}
		path := filepath.FromSlash(u.Path)
		st, err := os.Stat(path)
		if err != nil || st.IsDir() {
			broken = append(broken, l)
			continue
		}
		if u.Fragment == "" {
			continue
		}
		body, ok := ids[path]
		if !ok {
			b, _ := os.ReadFile(path)
			body = string(b)
			ids[path] = body
		}
		if !strings.Contains(body, `id="`+u.Fragment+`"`) {
			broken = append(broken, l+" (no element with that id)")
		}
	}
	sort.Strings(broken)
	sort.Strings(external)
	return broken, external
}

// AuditSite audits every HTML page under dir, in path order, in one tab.
func (b *Browser) AuditSite(ctx context.Context, dir, axe string) ([]Audit, error) {
	var pages []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
			pages = append(pages, p)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(pages)
	var out []Audit
	for _, p := range pages {
		a, err := b.Audit(ctx, p, axe)
		if err != nil {
			return out, err
		}
		out = append(out, a)
	}
	return out, nil
}
