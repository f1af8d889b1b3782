// Package site writes Cornerstone's static evidence site from the warehouse: an index, one page per
// council, and a methods and sources page listing every release used. Pages link relatively, so the
// site works opened from disk and on any web host.
//
// The site is reproducible: it reads no clock, iterates in sorted order, and its build id is
// derived from the releases it was built from, so the same warehouse gives byte-identical files.
// It is written to a temporary folder beside --out and swapped into place, so a failed build leaves
// the previous site untouched.
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
	"sort"
	"strings"

	"github.com/cornerstone-data/cornerstone/internal/progress"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
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
}

// Summary says what was written.
type Summary struct {
	Pages   int
	Charts  int
	BuildID string
	Demo    bool
}

// Site is one build in progress.
type Site struct {
	db       *warehouse.DB
	dir      string // temporary output folder
	tmpl     *template.Template
	demo     bool
	buildID  string
	releases []Release
	pages    int
	charts   int
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
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return Summary{}, fmt.Errorf("creating %s: %w", filepath.Dir(out), err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(out), "."+filepath.Base(out)+"-build-")
	if err != nil {
		return Summary{}, fmt.Errorf("creating build folder: %w", err)
	}
	defer os.RemoveAll(tmp)
	tmpl, err := template.New("").Funcs(template.FuncMap{}).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return Summary{}, fmt.Errorf("parsing templates: %w", err)
	}
	s := &Site{db: db, dir: tmp, tmpl: tmpl}
	if s.demo, err = isDemo(ctx, db); err != nil {
		return Summary{}, err
	}
	if s.releases, err = loadReleases(ctx, db); err != nil {
		return Summary{}, err
	}
	s.buildID = buildID(s.releases)
	for _, d := range []string{"assets", "charts", "areas"} {
		if err := os.MkdirAll(filepath.Join(tmp, d), 0o755); err != nil {
			return Summary{}, err
		}
	}
	if err := copyAssets(tmp); err != nil {
		return Summary{}, err
	}
	areas, err := loadAreas(ctx, db)
	if err != nil {
		return Summary{}, err
	}
	task := prog.Start("report", int64(len(areas)))
	for _, a := range areas {
		if err := ctx.Err(); err != nil {
			return Summary{}, err
		}
		if err := s.areaPage(ctx, a); err != nil {
			task.Done("failed")
			return Summary{}, fmt.Errorf("writing the page of %s (%s): %w", a.Name, a.Code, err)
		}
		task.Add(1)
	}
	if err := s.write("index.html", page{Title: "Council cultural services evidence", Areas: areas}); err != nil {
		return Summary{}, err
	}
	if err := s.write("methods.html", page{Title: "Methods and sources", Releases: s.releases}); err != nil {
		return Summary{}, err
	}
	if err := swap(tmp, out); err != nil {
		return Summary{}, err
	}
	task.Done(fmt.Sprintf("%d pages, %d charts", s.pages, s.charts))
	return Summary{Pages: s.pages, Charts: s.charts, BuildID: s.buildID, Demo: s.demo}, nil
}

// page is what every template receives.
type page struct {
	Title    string
	Root     string
	BuildID  string
	Demo     bool
	Areas    []Area
	Area     Area
	Sections []section
	Releases []Release
}

type section struct {
	ID        string
	Heading   string
	Sentences []string
	Charts    []chartView
}

type chartView struct {
	ID, Root, Alt, Citation, Title, XLabel string
	Demo                                   bool
	SeriesNames                            []string
	Rows                                   []tableRow
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
	t, err := s.tmpl.Clone()
	if err != nil {
		return err
	}
	name := strings.TrimSuffix(filepath.Base(rel), ".html")
	if strings.HasPrefix(rel, "areas/") {
		name = "area"
	}
	body, err := templateFS.ReadFile("templates/" + name + ".html")
	if err != nil {
		return err
	}
	if _, err := t.New("page").Parse(string(body)); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		return fmt.Errorf("rendering %s: %w", rel, err)
	}
	s.pages++
	return os.WriteFile(filepath.Join(s.dir, rel), buf.Bytes(), 0o644)
}

// chart renders c into charts/ and returns its view for a page at depth root.
func (s *Site) chart(c *charts.Chart, root string) (chartView, error) {
	c.Demo = s.demo
	c.Citation.BuildID = s.buildID
	if _, err := charts.Render(c, filepath.Join(s.dir, "charts")); err != nil {
		return chartView{}, err
	}
	s.charts++
	v := chartView{ID: c.ID, Root: root, Alt: c.AltText(), Citation: c.Citation.String(), Title: c.Title, XLabel: c.XLabel, Demo: s.demo}
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

func copyAssets(dir string) error {
	return fs.WalkDir(assetFS, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assetFS.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, p), b, 0o644)
	})
}

// swap replaces out with the finished build in tmp, keeping the old site until the new one is in
// place.
func swap(tmp, out string) error {
	old := ""
	if _, err := os.Stat(out); err == nil {
		old = out + ".old"
		_ = os.RemoveAll(old)
		if err := os.Rename(out, old); err != nil {
			return fmt.Errorf("moving the previous site aside: %w", err)
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		if old != "" {
			_ = os.Rename(old, out)
		}
		return fmt.Errorf("putting the new site in place: %w", err)
	}
	if err := os.Chmod(out, 0o755); err != nil {
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
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
