package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"path"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/cornerstone-data/cornerstone"

// TestLayers asserts that the packages depend on each other one way, with the build tags the
// product ships with and without them:
//
//   - no package under internal/ but the command line (internal/cli) and the demo (internal/demo)
//     depends on pipeline, sources, queries or reports: internal/ is the bottom layer they use;
//   - queries (the SQL and seeds) depends on nothing of pipeline (the engine that builds them);
//   - no package that is not itself a test helper (a name ending in "test") depends on one.
//
// The dependencies are `go list -deps`'s, transitive and without tests.
func TestLayers(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH: cannot list the packages' dependencies")
	}
	for _, tags := range []string{"", "duckdb_arrow"} {
		pkgs := listPackages(t, tags)
		if len(pkgs) < 30 {
			t.Fatalf("tags %q: go list found %d packages of the module; want the whole tree", tags, len(pkgs))
		}
		for _, p := range pkgs {
			for _, bad := range layerViolations(p) {
				t.Errorf("tags %q: %s", tags, bad)
			}
		}
	}
}

// pkg is one package of the module, its path and its dependencies relative to the module.
type pkg struct {
	Path string
	Deps []string
}

// layerViolations returns a sentence for every rule p breaks.
func layerViolations(p pkg) []string {
	var out []string
	for _, d := range p.Deps {
		switch {
		case under(p.Path, "internal") && !under(p.Path, "internal/cli") && !under(p.Path, "internal/demo") &&
			(under(d, "pipeline") || under(d, "sources") || under(d, "queries") || under(d, "reports")):
			out = append(out, p.Path+" depends on "+d+": only internal/cli and internal/demo may use the layers above internal/")
		case under(p.Path, "queries") && under(d, "pipeline"):
			out = append(out, p.Path+" depends on "+d+": queries holds SQL and seeds; the engine in pipeline depends on it, not the reverse")
		case !isTestHelper(p.Path) && isTestHelper(d):
			out = append(out, p.Path+" depends on the test helper "+d+": product code must not link test fixtures (rename the package if the product needs it)")
		}
	}
	return out
}

// under reports whether the module-relative path p is dir or inside it.
func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

// isTestHelper reports whether the package's name marks it as a helper for tests (sourcestest).
func isTestHelper(p string) bool { return strings.HasSuffix(path.Base(p), "test") }

// listPackages runs `go list -deps` over the module from its root and returns its own packages
// with their module-relative paths and dependencies.
func listPackages(t *testing.T, tags string) []pkg {
	t.Helper()
	args := []string{"list", "-deps", "-json=ImportPath,Deps,Module"}
	if tags != "" {
		args = append(args, "-tags", tags)
	}
	cmd := exec.Command("go", append(args, "./...")...)
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath string
			Deps       []string
			Module     *struct{ Path string }
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("reading go list's output: %v", err)
		}
		if p.Module == nil || p.Module.Path != module {
			continue
		}
		q := pkg{Path: relative(p.ImportPath)}
		for _, d := range p.Deps {
			if d == module || strings.HasPrefix(d, module+"/") {
				q.Deps = append(q.Deps, relative(d))
			}
		}
		sort.Strings(q.Deps)
		pkgs = append(pkgs, q)
	}
	return pkgs
}

func relative(importPath string) string {
	return strings.TrimPrefix(strings.TrimPrefix(importPath, module), "/")
}

// The rules catch the four arrows that used to run the wrong way, and let the right ones through.
func TestLayerRulesCatchTheOldArrows(t *testing.T) {
	for _, tc := range []struct {
		p    pkg
		want int
	}{
		{pkg{"internal/config", []string{"sources/fetch"}}, 1},
		{pkg{"queries", []string{"internal/warehouse", "pipeline"}}, 1},
		{pkg{"internal/demo", []string{"internal/sheets/sheetstest", "internal/sheets/xlstest", "sources/local"}}, 2},
		{pkg{"internal/notify", []string{"internal/config"}}, 0},
		{pkg{"internal/cli", []string{"pipeline/plan", "queries", "reports/site", "sources"}}, 0},
		{pkg{"pipeline/models", []string{"pipeline", "queries"}}, 0},
		{pkg{"sources/funding/fundingtest", []string{"sources/sourcestest"}}, 0},
		{pkg{"sources/ace", []string{"sources/funding/fundingtest"}}, 1},
	} {
		if got := layerViolations(tc.p); len(got) != tc.want {
			t.Errorf("%s -> %v: %d violations %q; want %d", tc.p.Path, tc.p.Deps, len(got), got, tc.want)
		}
	}
}
