package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/reports/browser/browsertest"
)

// After demo, every page of the site (each council's evidence pack and self-assessment included)
// renders in headless Chromium with no console errors, every chart image loads, every link
// resolves, and axe-core finds no serious or critical violation; report --pdf prints one PDF per
// council, and a council's PDF holds its charts.
func TestDemoSiteInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	axe := browsertest.Axe(t)
	b := browsertest.Start(t) // skips, saying why, without Chromium
	dir := t.TempDir()
	db, site := filepath.Join(dir, "demo.duckdb"), filepath.Join(dir, "site")
	if code, _, stderr := run(t, "demo", "-q", "--db", db, "--out", site, "--data", filepath.Join(dir, "data")); code != 0 {
		t.Fatalf("demo exit %d:\n%s", code, stderr)
	}
	if code, _, stderr := run(t, "report", "--pdf", "--db", db, "--out", site); code != 0 {
		t.Fatalf("report --pdf exit %d:\n%s", code, stderr)
	}
	n := browsertest.AuditSite(t, b, site, axe)
	councils := 0
	for _, a := range demo.SampleAreas {
		if !a.Current() {
			continue
		}
		councils++
		for _, p := range []string{"areas/" + a.Code + ".html", "assess/" + a.Code + ".html", "pdf/" + a.Code + ".pdf"} {
			if _, err := os.Stat(filepath.Join(site, p)); err != nil {
				t.Errorf("%s: %v", a.Name, err)
			}
		}
	}
	if n < 2*councils+4 {
		t.Errorf("audited %d pages for %d councils", n, councils)
	}
	page := filepath.Join(site, "areas", "E08000016.html")
	body, _ := os.ReadFile(page)
	if !strings.Contains(string(body), "DEMO DATA") {
		t.Error("demo pack lacks the DEMO DATA label")
	}
	var want []string
	for _, id := range browsertest.ChartIDs(page) {
		want = append(want, "Chart "+id)
	}
	if len(want) == 0 {
		t.Fatal("Barnsley's demo pack shows no chart")
	}
	browsertest.CheckPDF(t, filepath.Join(site, "pdf", "E08000016.pdf"), append(want, "DEMO DATA")...)
}

func TestReportPDFWithoutChromium(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "w.duckdb")
	if code, _, stderr := run(t, "build", "--db", db); code != 0 {
		t.Fatalf("build: %s", stderr)
	}
	code, _, stderr := run(t, "report", "--pdf", "--chromium", filepath.Join(dir, "no-chromium"), "--db", db, "--out", filepath.Join(dir, "site"))
	if code != 1 || !strings.Contains(stderr, "Chromium not found") || !strings.Contains(stderr, "apt-get install -y chromium") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "site")); !os.IsNotExist(err) {
		t.Error("a failed report wrote a site")
	}
}
