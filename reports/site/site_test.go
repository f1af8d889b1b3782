package site

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"html"
	"image/png"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/cornerstone-data/cornerstone/reports/charts"
)

func build(t *testing.T, stmts []string, opts Options) (string, Summary) {
	t.Helper()
	db := fixtureDB(t, stmts)
	if opts.Out == "" {
		opts.Out = filepath.Join(t.TempDir(), "site")
	}
	sum, err := Build(context.Background(), db, opts)
	if err != nil {
		t.Fatal(err)
	}
	return opts.Out, sum
}

func read(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// text strips tags and unescapes entities, so sentences can be matched as a reader sees them.
func text(s string) string {
	s = regexp.MustCompile(`<[^>]+>`).ReplaceAllString(s, "")
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}

func TestEvidencePackFromFixture(t *testing.T) {
	out, sum := build(t, fixtureSQL, Options{})
	if sum.Pages == 0 || sum.Charts == 0 || sum.Tables == 0 {
		t.Fatalf("summary %+v", sum)
	}
	for _, p := range []string{"index.html", "methods.html", "funding.html", "downloads.html", "areas/E08000016.html", "assess/E08000016.html",
		"kpis/cs-02.html", "kpis/cs-19.html", "downloads/marts/kpi_values.parquet", "downloads/marts/peer_neighbours.parquet"} {
		if _, err := os.Stat(filepath.Join(out, p)); err != nil {
			t.Error(err)
		}
	}
	pack := text(read(t, filepath.Join(out, "areas", "E08000016.html")))
	for _, want := range []string{
		// Change against the peer median, worded for a context measure.
		"Net library spend per head in Barnsley decreased 31% between 2014-15 and 2023-24, from £20.10 per head to £13.87 per head, against a peer median decrease of 24%.",
		"In 2023-24 the peer median was £13.68 per head (3 councils in the peer group); Barnsley was 1.4% above it.",
		"In real terms, the change over the three years to 2023-24 was −8%.",
		"For 2023-24, 100 of 152 expected councils reported this measure.",
		// A measure with polarity may improve; the current-boundary series is used.
		"Library visits per 1,000 residents in Barnsley improved, rising 15.5% between 2022-23 and 2023-24, from 2,000 visits per 1,000 to 2,310 visits per 1,000",
		// Spend as published, totals left out of the chart.
		"Barnsley: net current expenditure on Library service was £3,467,500 in 2023-24",
		// Library activity: the all-formats row, else the sum of formats and ages.
		"Physical visits in Barnsley: 577,500 in 2023-24, against 500,000 in 2022-23 (+15.5%).",
		"Issues in Barnsley: 500,000 in 2023-24, against 500,000 in 2022-23 (0%).",
		"The library locations data lists 3 library sites in Barnsley.",
		// Survey estimates with intervals and significance.
		"In 2023-24, 78.2% of respondents in Barnsley said: Engaged with the arts in person (95% confidence interval 75.1% to 81.3%; 612 respondents). England: 90%; significantly lower than England",
		"Visited a library (95% confidence interval 27.9% to 34.9%; 612 respondents). England: 32%; not significantly different from England",
		// Funding and local returns.
		"Funders in the data recorded £1,780,000 in 3 awards to recipients in Barnsley dated 2022-11-04 to 2024-01-15; the largest funder was Arts Council England with £1,530,000 (86% of the total).",
		"Barnsley's own returns record £426,000 of local investment across 3 source types; the largest was Council capital (£400,000).",
		// Peers.
		"Cornerstone's neighbour model (version cs-nn-1) names 3 nearest neighbours for Barnsley: Hartlepool, Herefordshire, City of Bristol.",
		"No value of CS-19 is held for Barnsley.",
	} {
		if !strings.Contains(pack, want) {
			t.Errorf("pack lacks %q", want)
		}
	}
	// Context, not league tables: no ranks unless asked.
	if strings.Contains(pack, "ranked") {
		t.Error("pack states ranks without quartiles mode")
	}
	// A council with little data says what is missing, plainly.
	bristol := text(read(t, filepath.Join(out, "areas", "E06000023.html")))
	for _, want := range []string{"core.spend holds no rows for City of Bristol (E06000023).", "core.library_activity holds no rows for City of Bristol"} {
		if !strings.Contains(bristol, want) {
			t.Errorf("Bristol's pack lacks %q", want)
		}
	}
	assess := text(read(t, filepath.Join(out, "assess", "E08000016.html")))
	for _, want := range []string{"Theme: Spend", "Prompts for peer challenge",
		"Net library spend per head is above the peer median in 2023-24 (£13.87 per head against £13.68 per head). What does this reflect locally",
		"No national figure for satisfaction with libraries is held for Barnsley. What local evidence could show this?"} {
		if !strings.Contains(assess, want) {
			t.Errorf("self-assessment lacks %q", want)
		}
	}
	funding := text(read(t, filepath.Join(out, "funding.html")))
	for _, want := range []string{"By funder", "By programme", "Local investment returns by source type", "Council capital", "National Portfolio 2023-26"} {
		if !strings.Contains(funding, want) {
			t.Errorf("funding page lacks %q", want)
		}
	}
	kpi := text(read(t, filepath.Join(out, "kpis", "cs-02.html")))
	for _, want := range []string{"Net current expenditure on the library service per resident", "Context: neither a higher nor a lower value",
		"Net library spend per head ranged from £12.00 per head to £16.00 per head across 4 councils in 2023-24"} {
		if !strings.Contains(kpi, want) {
			t.Errorf("KPI page lacks %q", want)
		}
	}
	methods := text(read(t, filepath.Join(out, "methods.html")))
	for _, want := range []string{"Revenue outturn 2023 to 2024 (RO5)", "Revenue outturn 2022 to 2023 (RO5)", "Investment Programme 2023-26"} {
		if !strings.Contains(methods, want) {
			t.Errorf("methods page lacks release %q", want)
		}
	}
}

// Every chart has its citation in the SVG, shown inline on its page with a PNG button (no PNG
// file unless asked for), and a CSV whose numbers are the ones in the chart's data table.
func TestChartsAreCitedAndTheirCSVMatches(t *testing.T) {
	out, sum := build(t, fixtureSQL, Options{})
	pages := map[string]string{}
	_ = filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".html") {
			pages[p] = read(t, p)
		}
		return nil
	})
	svgs, _ := filepath.Glob(filepath.Join(out, "charts", "*.svg"))
	if len(svgs) != sum.Charts || len(svgs) < 10 {
		t.Fatalf("%d SVG files for %d charts", len(svgs), sum.Charts)
	}
	for _, svg := range svgs {
		id := strings.TrimSuffix(filepath.Base(svg), ".svg")
		body := read(t, svg)
		for _, want := range []string{"Source: ", "Cornerstone build " + sum.BuildID, "<desc>", "Chart " + id} {
			if !strings.Contains(body, want) {
				t.Errorf("%s lacks %q", id, want)
			}
		}
		if _, err := os.Stat(strings.TrimSuffix(svg, ".svg") + ".png"); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s.png written without Options.PNG (%v)", id, err)
		}
		rows, err := csv.NewReader(strings.NewReader(read(t, strings.TrimSuffix(svg, ".svg")+".csv"))).ReadAll()
		if err != nil {
			t.Fatalf("%s.csv: %v", id, err)
		}
		// Find the chart's data table on its page.
		var table string
		for _, body := range pages {
			if i := strings.Index(body, `<figure id="`+id+`">`); i >= 0 {
				table = body[i:]
				table = table[:strings.Index(table, "</table>")]
				break
			}
		}
		if table == "" {
			t.Errorf("no page shows chart %s", id)
			continue
		}
		if !strings.Contains(table, body[strings.Index(body, "<svg"):]) {
			t.Errorf("chart %s's page does not show its SVG inline", id)
		}
		if !strings.Contains(table, `<button type="button" class="png" data-chart="`+id+`" hidden>PNG`) {
			t.Errorf("chart %s has no PNG button", id)
		}
		for _, r := range rows[1:] {
			if r[0] != id || !strings.Contains(r[5], "Source: ") || !strings.Contains(r[5], sum.BuildID) {
				t.Errorf("%s.csv row %v lacks its id or citation", id, r)
			}
			v := math.NaN()
			if r[3] != "" {
				if v, err = strconv.ParseFloat(r[3], 64); err != nil {
					t.Fatalf("%s.csv: %v", id, err)
				}
			}
			cell := `<td class="num">` + html.EscapeString(charts.FormatValue(v, r[4])) + `</td>`
			if !strings.Contains(table, html.EscapeString(strings.TrimPrefix(r[2], "'"))) || !strings.Contains(table, cell) {
				t.Errorf("%s: CSV row %s = %s is not in the chart's data table", id, r[2], r[3])
			}
		}
	}
	// The numbers are the warehouse's, exactly.
	rows, _ := csv.NewReader(strings.NewReader(read(t, filepath.Join(out, "charts", "kpi-cs-02-e08000016-trend.csv")))).ReadAll()
	var got []string
	for _, r := range rows[1:] {
		got = append(got, r[1]+"|"+r[2]+"|"+r[3])
	}
	want := "Barnsley|2014-15|20.1 Barnsley|2019-20|16.5 Barnsley|2023-24|13.87 Peer median|2014-15|18 Peer median|2019-20| Peer median|2023-24|13.68"
	if strings.Join(got, " ") != want {
		t.Errorf("trend CSV:\n%s\nwant\n%s", strings.Join(got, " "), want)
	}
}

func TestSiteIsReproducible(t *testing.T) {
	db := fixtureDB(t, fixtureSQL)
	dirs := []string{filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")}
	for _, d := range dirs {
		if _, err := Build(context.Background(), db, Options{Out: d}); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string][]byte{}
	_ = filepath.WalkDir(dirs[0], func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dirs[0], p)
			files[rel], _ = os.ReadFile(p)
		}
		return nil
	})
	n := 0
	_ = filepath.WalkDir(dirs[1], func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		n++
		rel, _ := filepath.Rel(dirs[1], p)
		b, _ := os.ReadFile(p)
		if a, ok := files[rel]; !ok || !bytes.Equal(a, b) {
			t.Errorf("%s differs between two builds", rel)
		}
		return nil
	})
	if n != len(files) || n < 50 {
		t.Errorf("%d and %d files", len(files), n)
	}
}

// Downloads carry numbers at full precision, and text that a spreadsheet would run as a formula
// is defused in CSV and XLSX alike.
func TestDownloadsNeutraliseFormulas(t *testing.T) {
	out, _ := build(t, fixtureSQL, Options{})
	c := read(t, filepath.Join(out, "downloads", "funding-e08000016-programmes.csv"))
	if !strings.Contains(c, `'=cmd|' /C calc'!A0`) || strings.Contains(c, "\n=cmd") || strings.Contains(c, ",=cmd") {
		t.Errorf("CSV does not defuse the formula:\n%s", c)
	}
	f, err := excelize.OpenFile(filepath.Join(out, "downloads", "returns-e08000016-source-types.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("data")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows {
		if len(r) > 0 && r[0] == "'@SUM(A1)" {
			found = true
		}
		if len(r) > 0 && strings.HasPrefix(r[0], "@") {
			t.Errorf("XLSX cell %q not defused", r[0])
		}
	}
	if !found {
		t.Errorf("XLSX rows %v lack the defused source type", rows)
	}
	if v, _ := f.GetCellValue("data", "C2"); v != "400000" {
		t.Errorf("XLSX amount %q", v)
	}
	if typ, _ := f.GetCellType("data", "C2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("XLSX amount is stored as %v, not a number", typ)
	}
	about, _ := f.GetRows("about")
	if len(about) < 3 || !strings.Contains(about[2][1], "Source:") {
		t.Errorf("XLSX about sheet %v lacks the citation", about)
	}
}

// With none of the optional tables, every section says plainly that its data is not loaded.
func TestMissingTablesSayNotLoaded(t *testing.T) {
	out, _ := build(t, fixtureSQL[:3], Options{})
	pack := text(read(t, filepath.Join(out, "areas", "E08000016.html")))
	for _, want := range []string{"Not loaded yet: core.spend", "Not loaded yet: core.library_activity", "Not loaded yet: core.funding_awards",
		"Not loaded yet: core.investment_returns", "Not loaded yet: core.engagement", "Not loaded yet: marts.peer_neighbours", "Not loaded yet: marts.kpi_values"} {
		if !strings.Contains(pack, want) {
			t.Errorf("pack lacks %q", want)
		}
	}
	if !strings.Contains(text(read(t, filepath.Join(out, "index.html"))), "Not loaded yet: marts.kpi_catalogue") {
		t.Error("index does not say the KPI catalogue is not loaded")
	}
	if !strings.Contains(text(read(t, filepath.Join(out, "assess", "E08000016.html"))), "The self-assessment has no indicators") {
		t.Error("self-assessment does not say it has no indicators")
	}
}

func TestQuartilesModeStatesRanks(t *testing.T) {
	out, _ := build(t, fixtureSQL, Options{Quartiles: true})
	pack := text(read(t, filepath.Join(out, "areas", "E08000016.html")))
	if !strings.Contains(pack, "Among peers it ranked 2 of 3, and 40 of 150 nationally (1 = highest value).") {
		t.Error("quartiles mode does not state ranks")
	}
}

// With Options.PNG every chart also has a PNG file, and its page links to it instead of drawing
// one in the browser.
func TestPNGFiles(t *testing.T) {
	out, sum := build(t, fixtureSQL, Options{PNG: true})
	pngs, _ := filepath.Glob(filepath.Join(out, "charts", "*.png"))
	if len(pngs) != sum.Charts || len(pngs) == 0 {
		t.Fatalf("%d PNG files for %d charts", len(pngs), sum.Charts)
	}
	for _, p := range pngs {
		img, err := png.Decode(strings.NewReader(read(t, p)))
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(p), err)
		}
		if w := img.Bounds().Dx(); w != 880 {
			t.Errorf("%s is %d px wide, want 880 (8 in at 110 dpi)", filepath.Base(p), w)
		}
	}
	page := read(t, filepath.Join(out, "areas", "E08000016.html"))
	if strings.Contains(page, "data-chart=") || !strings.Contains(page, `<a href="../charts/kpi-cs-02-e08000016-trend.png">PNG`) {
		t.Error("Barnsley's page does not link its charts' PNG files")
	}
}

// A no-change run leaves a current site alone; new inputs, other options or a site emptied by hand
// build it again.
func TestSkipIfCurrent(t *testing.T) {
	ctx := context.Background()
	db := fixtureDB(t, fixtureSQL)
	out := filepath.Join(t.TempDir(), "site")
	first, err := Build(ctx, db, Options{Out: out, SkipIfCurrent: true})
	if err != nil || first.Skipped || first.Pages == 0 {
		t.Fatalf("first build: %+v, %v", first, err)
	}
	again, err := Build(ctx, db, Options{Out: out, SkipIfCurrent: true})
	if err != nil || !again.Skipped || again.BuildID != first.BuildID {
		t.Fatalf("second build of the same inputs: %+v, %v", again, err)
	}
	if s, err := Build(ctx, db, Options{Out: out, SkipIfCurrent: true, Quartiles: true}); err != nil || s.Skipped {
		t.Fatalf("other options: %+v, %v", s, err)
	}
	if s, err := Build(ctx, db, Options{Out: out, SkipIfCurrent: true, Quartiles: true, PNG: true}); err != nil || s.Skipped {
		t.Fatalf("PNG files asked for: %+v, %v", s, err)
	}
	if s, err := Build(ctx, db, Options{Out: out}); err != nil || s.Skipped {
		t.Fatalf("without SkipIfCurrent: %+v, %v", s, err)
	}
	rebuilt := fixtureDB(t, append(append([]string(nil), fixtureSQL...),
		`INSERT INTO meta.models (name, fingerprint, rows) VALUES ('marts.rebuilt', 'new inputs', 1)`))
	if s, err := Build(ctx, rebuilt, Options{Out: out, SkipIfCurrent: true}); err != nil || s.Skipped {
		t.Fatalf("a model rebuilt from other inputs: %+v, %v", s, err)
	}
	if err := os.Remove(filepath.Join(out, "index.html")); err != nil {
		t.Fatal(err)
	}
	if s, err := Build(ctx, db, Options{Out: out, SkipIfCurrent: true}); err != nil || s.Skipped {
		t.Fatalf("a site without its index: %+v, %v", s, err)
	}
	if _, err := os.Stat(filepath.Join(out, "index.html")); err != nil {
		t.Fatal(err)
	}
}
