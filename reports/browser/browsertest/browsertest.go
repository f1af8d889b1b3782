// Package browsertest holds what the browser tests of several packages share: starting Chromium and
// fetching axe-core, skipping with a clear message when either is missing, and checking a PDF
// with poppler.
package browsertest

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/reports/browser"
)

// Start launches headless Chromium for the test, or skips it saying why. It is closed when the
// test ends.
func Start(t testing.TB) *browser.Browser {
	t.Helper()
	if _, err := browser.Find(""); err != nil {
		t.Skipf("skipping the browser test: %v", err)
	}
	b, err := browser.Start(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b
}

// Axe returns axe-core's source, installed with npm into the user cache (once per machine), or
// skips the test when npm is missing.
func Axe(t testing.TB) string {
	t.Helper()
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	src, err := browser.InstallAxe(context.Background(), filepath.Join(dir, "cornerstone-test", "axe-core-"+browser.AxeVersion))
	if errors.Is(err, browser.ErrNoNpm) {
		t.Skipf("skipping the accessibility test: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// AuditSite audits every page of the site and fails the test on any problem: console errors,
// images that do not load, links that do not resolve, serious or critical axe-core violations.
// It returns the number of pages audited.
func AuditSite(t testing.TB, b *browser.Browser, dir, axe string) int {
	t.Helper()
	audits, err := b.AuditSite(context.Background(), dir, axe)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range audits {
		rel, _ := filepath.Rel(dir, a.Page)
		for _, p := range a.Problems() {
			t.Errorf("%s: %s", rel, p)
		}
	}
	return len(audits)
}

// CheckPDF renders the PDF's pages with pdftoppm (skipping when poppler-utils is missing) and
// checks that page 1 renders, that some page shows chart ink (Okabe-Ito blue, used only by charts),
// and that pdftotext finds every wanted text (such as the "Chart <id>" footer drawn in each chart).
func CheckPDF(t testing.TB, pdf string, want ...string) {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("skipping the PDF check: pdftoppm not found (apt-get install -y poppler-utils)")
	}
	dir := t.TempDir()
	out, err := exec.Command("pdftoppm", "-r", "40", "-png", pdf, filepath.Join(dir, "p")).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftoppm %s: %v\n%s", pdf, err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "p-*.png"))
	if len(pages) == 0 {
		t.Fatalf("pdftoppm rendered no page of %s", pdf)
	}
	chartInk := false
	for i, p := range pages {
		img := decode(t, p)
		if i == 0 && blank(img) {
			t.Errorf("page 1 of %s renders blank", pdf)
		}
		chartInk = chartInk || HasColour(img, 0x00, 0x72, 0xB2)
	}
	if !chartInk {
		t.Errorf("no page of %s shows a chart", pdf)
	}
	txt, err := exec.Command("pdftotext", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", pdf, err)
	}
	for _, w := range want {
		if !bytes.Contains(txt, []byte(w)) {
			t.Errorf("%s lacks %q", pdf, w)
		}
	}
}

func decode(t testing.TB, path string) image.Image {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

func blank(img image.Image) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bl, _ := img.At(x, y).RGBA(); r < 0xf000 || g < 0xf000 || bl < 0xf000 {
				return false
			}
		}
	}
	return true
}

// HasColour reports whether enough pixels are close to the colour (anti-aliasing blurs it).
func HasColour(img image.Image, r8, g8, b8 uint8) bool {
	near := func(a uint32, b uint8) bool { d := int(a>>8) - int(b); return d > -24 && d < 24 }
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if near(r, r8) && near(g, g8) && near(bl, b8) {
				n++
			}
		}
	}
	return n >= 10
}

// ChartIDs lists the chart ids a page shows.
func ChartIDs(page string) []string {
	b, _ := os.ReadFile(page)
	var ids []string
	for _, part := range strings.Split(string(b), `<figure id="`)[1:] {
		ids = append(ids, part[:strings.IndexByte(part, '"')])
	}
	return ids
}
