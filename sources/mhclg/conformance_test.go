package mhclg

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/config"
)

// TestPublishedHeadersAreRecognised reads the exact RO5 headers captured from the real 2024-25,
// 2018-19 and 2013-14 workbooks (../shared/reference) and checks that each is read as its service
// and measure: flat headers by the measure at their end, two-level ones ("<service> | <measure>"
// in the capture) by exact service and measure text.
func TestPublishedHeadersAreRecognised(t *testing.T) {
	ref, ok := config.ReferenceDir(filepath.Join("..", ".."))
	if !ok {
		t.Skip("../shared/reference is absent: the captured RO5 headers are not available")
	}
	var prov []struct {
		Year, File, Sheet string
		Header            string `json:"column_header"`
		Col               int    `json:"column_index_0based"`
		Service           string
	}
	readJSON(t, filepath.Join(ref, "ro5_revenue_outturn", "ro_rsx_rs_column_header_provenance.json"), &prov)
	n := 0
	for _, p := range prov {
		if !strings.HasPrefix(p.File, "RO5") {
			continue
		}
		n++
		var svc, code string
		if s, m, ok := strings.Cut(p.Header, " | "); ok {
			svc, code = norm(s), measureByText[norm(m)]
		} else {
			var ok bool
			svc, _, code, ok = flatMeasure(p.Header)
			if !ok {
				t.Errorf("%s %s: %q not read as <service> - <measure>", p.Year, p.Sheet, p.Header)
				continue
			}
		}
		if code == "" {
			t.Errorf("%s %s: measure of %q not recognised", p.Year, p.Sheet, p.Header)
		}
		if strings.HasPrefix(svc, "Library") && ro5Catalogue.line(svc) != "library" {
			t.Errorf("%s: %q is not the library line", p.Year, svc)
		}
		if FinancialYear(p.Sheet) != p.Year {
			t.Errorf("sheet %q: year %q, want %q", p.Sheet, FinancialYear(p.Sheet), p.Year)
		}
		if p.Header == "" || p.Col == 0 {
			t.Errorf("bad capture %+v", p)
		}
	}
	if n == 0 {
		t.Fatal("no RO5 header in the capture")
	}
}
