package site

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/reports/browser/browsertest"
)

// The fixture site, with every section filled, renders in headless Chromium with no console
// errors, every image loading, every link resolving and no serious or critical axe-core
// violation; and a council's PDF holds its charts.
func TestFixtureSiteInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test")
	}
	axe := browsertest.Axe(t)
	b := browsertest.Start(t) // skips, saying why, without Chromium
	start := time.Now()
	out, sum := build(t, fixtureSQL, Options{PDF: true})
	t.Logf("site with %d PDFs built in %v", sum.PDFs, time.Since(start))
	if sum.PDFs != 4 {
		t.Errorf("%d PDFs, want one per council (4)", sum.PDFs)
	}
	start = time.Now()
	n := browsertest.AuditSite(t, b, out, axe)
	t.Logf("%d pages audited in %v", n, time.Since(start))
	if n < 15 {
		t.Errorf("audited %d pages", n)
	}
	var want []string
	for _, id := range browsertest.ChartIDs(filepath.Join(out, "areas", "E08000016.html")) {
		want = append(want, "Chart "+id)
	}
	if len(want) < 8 {
		t.Fatalf("Barnsley's pack shows %d charts", len(want))
	}
	browsertest.CheckPDF(t, filepath.Join(out, "pdf", "E08000016.pdf"), want...)
}
