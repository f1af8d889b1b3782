// Package site writes Cornerstone's static evidence site from the warehouse: an index, one page per
// council, and a methods and sources page listing every release used. Pages link relatively, so the
// site works opened from disk and on any web host.
//
// The site is reproducible: it reads no clock, iterates in sorted order, and its build id is
// derived from the releases it was built from, so the same warehouse gives byte-identical files.
// It is written to a temporary folder beside --out and swapped into place, so a failed build leaves
// the previous site untouched; the site it replaces is kept at <out>.previous until the next build
// (swap.go).
package site

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/cornerstone-data/cornerstone/internal/progress"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/reports/browser"
	"github.com/cornerstone-data/cornerstone/reports/charts"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// Options configure a build.
type Options struct {
	// Out is the site folder; it is replaced as a whole.
	Out string
	// Progress receives one line per stage (optional).
	Progress progress.Reporter
	// Quartiles shows ranks, percentiles and value-ordered bars. Off by default: spend and other
	// context measures are shown as context, not league tables.
	Quartiles bool
	// PDF prints each council's evidence pack to pdf/<code>.pdf with headless Chromium
	// (ErrNoChromium when it is not installed). PDFs carry Chromium's creation date, so they are
	// the one part of the site that is not byte-identical between builds.
	PDF bool
	// Chromium is the browser executable for PDF; empty finds it on PATH.
	Chromium string
	// PNG also writes every chart as a PNG file (charts/<id>.png, 110 dpi). Without it each
	// chart's PNG button draws one in the browser from the SVG shown on the page: drawing
	// thousands of PNGs is most of a national site's build time.
	PNG bool
	// SkipIfCurrent leaves the site at Out alone when it was written from the same inputs: the
	// same releases, model fingerprints, program and options (a no-change run then writes
	// nothing). The result's Skipped says so.
	SkipIfCurrent bool
}

// Summary says what was written.
type Summary struct {
	Pages   int
	Charts  int
	Tables  int
	PDFs    int
	BuildID string
	Demo    bool
	// Skipped says the site at Out was already current (Options.SkipIfCurrent) and was left as
	// it was; the counts are then zero.
	Skipped bool
}

// Site is one build in progress.
type Site struct {
	db       *warehouse.DB
	out      *outDir // the build folder, beside --out until it is swapped in
	tmpl     *template.Template
	demo     bool
	buildID  string
	releases []Release
	opts     Options
	ev       *evidence
	flags    map[string][]qualityFlag // KPI values resting on implausible figures, by KPI
	// areaNames names every area in core.areas; pageSet holds the councils with a page.
	areaNames map[string]string
	pageSet   map[string]bool
	tableIDs  map[string]bool
	pageTmpls map[string]*template.Template
	areaSets  areaSets   // per-area sections' rows, read once
	mu        sync.Mutex // guards the counters, tableIDs and pageTmpls while councils are written in parallel
	pages     int
	charts    int
	tables    int
	pdfs      int
}

// Build writes the whole site for the warehouse to opts.Out.
func Build(ctx context.Context, db *warehouse.DB, opts Options) (Summary, error) {
	prog := opts.Progress
	if prog == nil {
		prog = progress.Discard()
	}
	out, err := filepath.Abs(opts.Out)
	if err != nil {
		return Summary{}, err
	}
	if opts.PDF {
		// Fail before any work when PDFs are asked for and Chromium is missing.
		if _, err := browser.Find(opts.Chromium); err != nil {
			return Summary{}, fmt.Errorf("printing PDFs: %w", err)
		}
	}
	s := &Site{db: db, opts: opts, tableIDs: map[string]bool{}, pageSet: map[string]bool{}}
	if s.demo, err = isDemo(ctx, db); err != nil {
		return Summary{}, err
	}
	if s.releases, err = loadReleases(ctx, db); err != nil {
		return Summary{}, err
	}
	s.buildID = buildID(s.releases)
	key, err := siteKey(ctx, db, s.buildID, s.demo, opts)
	if err != nil {
		return Summary{}, err
	}
	if opts.SkipIfCurrent && isCurrent(out, key) {
		return Summary{BuildID: s.buildID, Demo: s.demo, Skipped: true}, nil
	}
	if err := checkReplaceable(out); err != nil {
		return Summary{}, err
	}
	defer raiseGC()()
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return Summary{}, fmt.Errorf("creating %s: %w", filepath.Dir(out), err)
	}
	tmp, err := buildDir(out)
	if err != nil {
		return Summary{}, err
	}
	defer os.RemoveAll(tmp)
	s.out = newOutDir(tmp)
	if s.tmpl, err = template.New("").Funcs(template.FuncMap{"slug": slug}).ParseFS(templateFS, "templates/*.html"); err != nil {
		return Summary{}, fmt.Errorf("parsing templates: %w", err)
	}
	if s.ev, err = loadEvidence(ctx, db); err != nil {
		return Summary{}, err
	}
	if s.areaNames, err = loadAreaNames(ctx, db); err != nil {
		return Summary{}, err
	}
	if s.flags, err = loadQualityFlags(ctx, db); err != nil {
		return Summary{}, err
	}
	dirs := []string{"assets", "charts", "areas", "assess", "kpis", "downloads", "downloads/marts"}
	if opts.PDF {
		dirs = append(dirs, "pdf")
	}
	for _, d := range dirs {
		if err := s.out.MkdirAll(d); err != nil {
			return Summary{}, err
		}
	}
	if err := s.copyAssets(); err != nil {
		return Summary{}, err
	}
	areas, err := loadAreas(ctx, db)
	if err != nil {
		return Summary{}, err
	}
	for _, a := range areas {
		s.pageSet[a.Code] = true
	}
	task := prog.Start("report", int64(len(areas)))
	if err := s.councilPages(ctx, areas, task.Add); err != nil {
		task.Done("failed")
		return Summary{}, err
	}
	for _, k := range s.ev.kpis {
		if err := s.kpiPage(k); err != nil {
			task.Done("failed")
			return Summary{}, fmt.Errorf("writing the page of KPI %s: %w", k.ID, err)
		}
	}
	if err := s.fundingPage(ctx); err != nil {
		task.Done("failed")
		return Summary{}, fmt.Errorf("writing the funding page: %w", err)
	}
	marts, err := s.exportMarts(ctx)
	if err != nil {
		task.Done("failed")
		return Summary{}, err
	}
	if err := s.write("downloads.html", page{Title: "Downloads", Template: "downloads", Downloads: marts}); err != nil {
		return Summary{}, err
	}
	if err := s.write("index.html", page{Title: "Council cultural services evidence", Areas: areas, KPIs: s.ev.kpis, KPIThemes: themesOf(s.ev.kpis)}); err != nil {
		return Summary{}, err
	}
	if err := s.write("methods.html", page{Title: "Methods and sources", Releases: s.releases, KPIs: s.ev.kpis}); err != nil {
		return Summary{}, err
	}
	if opts.PDF {
		if err := s.printPDFs(ctx, areas); err != nil {
			task.Done("failed")
			return Summary{}, err
		}
	}
	if err := s.out.WriteFile(keyFile, []byte(key+"\n")); err != nil {
		return Summary{}, err
	}
	if err := s.out.Prune(dirs...); err != nil {
		return Summary{}, err
	}
	if err := swap(tmp, out); err != nil {
		return Summary{}, err
	}
	task.Done(fmt.Sprintf("%d pages, %d charts, %d tables", s.pages, s.charts, s.tables))
	return Summary{Pages: s.pages, Charts: s.charts, Tables: s.tables, PDFs: s.pdfs, BuildID: s.buildID, Demo: s.demo}, nil
}

// councilPages writes every council's evidence pack and self-assessment, councils in parallel
// (one worker per CPU): each page's content depends only on the warehouse, so the files are the
// same whatever the order. The first error stops the rest.
func (s *Site) councilPages(ctx context.Context, areas []Area, done func(int64)) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	jobs := make(chan Area)
	var wg sync.WaitGroup
	for range max(1, min(runtime.NumCPU(), 4)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for a := range jobs {
				if ctx.Err() != nil {
					continue
				}
				if err := s.areaPage(ctx, a); err != nil {
					cancel(fmt.Errorf("writing the page of %s (%s): %w", a.Name, a.Code, err))
					continue
				}
				if err := s.assessPage(a); err != nil {
					cancel(fmt.Errorf("writing the self-assessment of %s (%s): %w", a.Name, a.Code, err))
					continue
				}
				done(1)
			}
		}()
	}
	for _, a := range areas {
		if ctx.Err() != nil {
			break
		}
		jobs <- a
	}
	close(jobs)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return nil
}

// page is what every template receives.
type page struct {
	Title string
	// Template names the page template; empty uses the file's base name.
	Template  string
	Root      string
	BuildID   string
	Demo      bool
	Intro     []string
	Areas     []Area
	Area      Area
	Sections  []section
	Releases  []Release
	KPIs      []KPI
	KPIThemes []themeKPIs
	Facts     []fact
	Downloads []download
	// PDF is the link to the page's PDF, when printed.
	PDF string
}

type section struct {
	ID        string
	Heading   string
	Intro     []string
	Sentences []string
	Charts    []chartView
	Tables    []tableView
	// Missing says plainly which data is not loaded.
	Missing []string
	Items   []item
	// Prompts are questions for peer challenge.
	Prompts []string
}

// item is a KPI within a section.
type item struct {
	ID, Heading, Href string
	Missing           string
	Sentences         []string
	Charts            []chartView
}

type themeKPIs struct {
	Theme string
	KPIs  []KPI
}

func themesOf(ks []KPI) []themeKPIs {
	m := map[string][]KPI{}
	for _, k := range ks {
		m[k.Theme] = append(m[k.Theme], k)
	}
	var out []themeKPIs
	for _, th := range sortedKeys(m) {
		out = append(out, themeKPIs{Theme: th, KPIs: m[th]})
	}
	return out
}

type chartView struct {
	ID, Root, Citation, Title, XLabel string
	Demo                              bool
	// SVG is the chart itself, shown inline (its <title> and <desc> carry the alt text) so that
	// the page's script can draw a PNG from it, from a file:// page too.
	SVG template.HTML
	// PNGFile says charts/<id>.png was written (Options.PNG).
	PNGFile     bool
	SeriesNames []string
	Rows        []tableRow
}

type tableRow struct {
	Label string
	Cells []string
}

func (s *Site) write(rel string, p page) error {
	p.BuildID, p.Demo = s.buildID, s.demo
	if p.Root == "" && strings.Contains(rel, "/") {
		p.Root = strings.Repeat("../", strings.Count(rel, "/"))
	}
	name := p.Template
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(rel), ".html")
	}
	t, err := s.pageTemplate(name)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("rendering %s: %w", rel, err)
	}
	s.mu.Lock()
	s.pages++
	s.mu.Unlock()
	return s.out.WriteFile(rel, buf.Bytes())
}

// pageTemplate returns the layout with the named page template, parsed once per build.
func (s *Site) pageTemplate(name string) (*template.Template, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.pageTmpls[name]; ok {
		return t, nil
	}
	t, err := s.tmpl.Clone()
	if err != nil {
		return nil, err
	}
	body, err := templateFS.ReadFile("templates/" + name + ".html")
	if err != nil {
		return nil, err
	}
	if _, err := t.New("page").Parse(string(body)); err != nil {
		return nil, fmt.Errorf("parsing template %s: %w", name, err)
	}
	if s.pageTmpls == nil {
		s.pageTmpls = map[string]*template.Template{}
	}
	s.pageTmpls[name] = t
	return t, nil
}

// chart renders c into charts/ and returns its view for a page at depth root.
func (s *Site) chart(c *charts.Chart, root string) (chartView, error) {
	c.Demo = s.demo
	c.Citation.BuildID = s.buildID
	f, err := charts.Render(c, s.out.Sub("charts"), s.opts.PNG)
	if err != nil {
		return chartView{}, err
	}
	s.mu.Lock()
	s.charts++
	s.mu.Unlock()
	v := chartView{ID: c.ID, Root: root, Citation: c.Citation.String(), Title: c.Title, XLabel: c.XLabel, Demo: s.demo,
		// The charts package escapes every text it draws (tested there), so the SVG is safe to inline.
		SVG: template.HTML(f.Inline), PNGFile: f.PNG != ""}
	for _, ser := range c.Series {
		v.SeriesNames = append(v.SeriesNames, ser.Name)
	}
	for i, cat := range c.Categories {
		r := tableRow{Label: cat}
		for _, ser := range c.Series {
			r.Cells = append(r.Cells, charts.FormatValue(ser.Values[i], c.Unit))
		}
		v.Rows = append(v.Rows, r)
	}
	return v, nil
}

func (s *Site) copyAssets() error {
	return fs.WalkDir(assetFS, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assetFS.ReadFile(p)
		if err != nil {
			return err
		}
		return s.out.WriteFile(p, b)
	})
}

// buildID derives the build id from the releases: the same inputs give the same id.
func buildID(rels []Release) string {
	lines := make([]string, len(rels))
	for i, r := range rels {
		lines[i] = strings.Join([]string{r.Source, r.Dataset, r.Vintage, r.SHA256}, "|")
	}
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:])[:12]
}
