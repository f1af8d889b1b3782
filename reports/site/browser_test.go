package site

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/reports/browser"
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
	checkPNGButton(t, b, filepath.Join(out, "areas", "E08000016.html"), "kpi-cs-02-e08000016-trend")
}

// checkPNGButton opens the page from file:// (the hardest case: no server, an opaque origin) and
// checks that the chart's PNG button is shown, that pressing it saves <id>.png, and that the PNG
// drawn from the inline SVG is the whole chart at twice screen resolution, with its ink.
func checkPNGButton(t *testing.T, b *browser.Browser, page, id string) {
	t.Helper()
	ctx := context.Background()
	if errs, err := b.Open(ctx, page); err != nil || len(errs) > 0 {
		t.Fatalf("opening %s: %v %v", page, err, errs)
	}
	shown, err := browser.Eval[bool](ctx, b, `!document.querySelector('button[data-chart="`+id+`"]').hidden`)
	if err != nil || !shown {
		t.Fatalf("the PNG button of %s is hidden (%v)", id, err)
	}
	// Press the button, catching the link it clicks to save the file.
	saved, err := browser.Eval[string](ctx, b, `new Promise((resolve, reject) => {
		const click = HTMLAnchorElement.prototype.click;
		HTMLAnchorElement.prototype.click = function () {
			HTMLAnchorElement.prototype.click = click;
			fetch(this.href).then(r => r.blob()).then(b => resolve(this.download + " " + b.type + " " + b.size), reject);
		};
		document.querySelector('button[data-chart="`+id+`"]').click();
		setTimeout(() => reject(new Error("no download after 10 s")), 10000);
	})`)
	if err != nil {
		t.Fatalf("pressing PNG: %v", err)
	}
	if f := strings.Fields(saved); len(f) != 3 || f[0] != id+".png" || f[1] != "image/png" || f[2] == "0" {
		t.Errorf("pressing PNG saved %q, want %s.png, image/png, not empty", saved, id)
	}
	data, err := browser.Eval[string](ctx, b, `cornerstoneChartPNG("`+id+`").then(b => new Promise(r => {
		const fr = new FileReader(); fr.onload = () => r(fr.result.split(",")[1]); fr.readAsDataURL(b); }))`)
	if err != nil {
		t.Fatalf("drawing the PNG of %s: %v", id, err)
	}
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("the browser's PNG of %s: %v", id, err)
	}
	svg, _ := os.ReadFile(filepath.Join(filepath.Dir(page), "..", "charts", id+".svg"))
	var wPt, hPt float64
	if _, err := fmt.Sscanf(string(svg[bytes.Index(svg, []byte(`viewBox="`)):]), `viewBox="0 0 %g %g"`, &wPt, &hPt); err != nil {
		t.Fatal(err)
	}
	if got, want := img.Bounds().Size(), image.Pt(int(math.Round(wPt*8/3)), int(math.Round(hPt*8/3))); got != want {
		t.Errorf("PNG of %s is %v px, want %v (the SVG's %gx%g pt at twice screen resolution)", id, got, want, wPt, hPt)
	}
	if !browsertest.HasColour(img, 0x00, 0x72, 0xB2) {
		t.Errorf("PNG of %s shows no chart line", id)
	}
	if !browsertest.HasColour(img, 0x33, 0x33, 0x33) {
		t.Errorf("PNG of %s shows no citation text", id)
	}
}
