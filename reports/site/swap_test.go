package site

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// A build keeps the site it replaces at <out>.previous, one generation only, rewrites the
// generation before it into exactly a fresh build's files (never writing through a link to
// outside), and refuses to replace or delete a folder that is not a Cornerstone site.
func TestPreviousSiteKeptAndForeignFoldersRefused(t *testing.T) {
	ctx := context.Background()
	db := fixtureDB(t, fixtureSQL)
	parent := t.TempDir()
	out := filepath.Join(parent, "site")
	prev := out + ".previous"
	mark := func(dir, name string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(name), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// built marks a generation with a file its build wrote (listed in its manifest).
	built := func(dir, name string) {
		mark(dir, name)
		listFiles(t, dir, name)
	}
	if _, err := Build(ctx, db, Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(prev); !os.IsNotExist(err) {
		t.Fatalf("a first build made %s (%v)", prev, err)
	}
	built(out, "first-build")
	if _, err := Build(ctx, db, Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(prev, "first-build")); err != nil {
		t.Fatalf("the replaced site is not kept at %s: %v", prev, err)
	}
	if _, err := os.Stat(filepath.Join(out, "first-build")); !os.IsNotExist(err) {
		t.Fatalf("the new site holds the old one's file (%v)", err)
	}
	built(out, "second-build")
	// The generation the third build rewrites: a folder gone, a stale chart, a symbolic link and a
	// hard link to files outside, a file where a folder goes (each as an older build wrote it).
	outside := t.TempDir()
	mark(outside, "secret.txt")
	mark(outside, "linked.txt")
	for _, step := range []error{
		os.RemoveAll(filepath.Join(prev, "areas")),
		os.WriteFile(filepath.Join(prev, "charts", "gone-chart.svg"), []byte("<svg/>"), 0o644),
		os.Remove(filepath.Join(prev, "index.html")),
		os.Symlink(filepath.Join(outside, "secret.txt"), filepath.Join(prev, "index.html")),
		os.Remove(filepath.Join(prev, "methods.html")),
		os.Link(filepath.Join(outside, "linked.txt"), filepath.Join(prev, "methods.html")),
		os.RemoveAll(filepath.Join(prev, "kpis")),
		os.WriteFile(filepath.Join(prev, "kpis"), []byte("not a folder"), 0o644),
	} {
		if step != nil {
			t.Fatal(step)
		}
	}
	listFiles(t, prev, "charts/gone-chart.svg", "kpis")
	if _, err := Build(ctx, db, Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"secret.txt", "linked.txt"} {
		if b, _ := os.ReadFile(filepath.Join(outside, name)); string(b) != name {
			t.Errorf("the build wrote through a link to %s: %.40q", name, b)
		}
	}
	fresh := filepath.Join(t.TempDir(), "fresh")
	if _, err := Build(ctx, db, Options{Out: fresh}); err != nil {
		t.Fatal(err)
	}
	if a, b := treeHash(t, fresh), treeHash(t, out); a != b {
		t.Errorf("a build over the previous generation differs from a fresh one:\n%s", diffLines(a, b))
	}
	if _, err := os.Stat(filepath.Join(prev, "second-build")); err != nil {
		t.Fatalf("the third build did not keep the second: %v", err)
	}
	if _, err := os.Stat(filepath.Join(prev, "first-build")); !os.IsNotExist(err) {
		t.Fatalf("the first build is still kept (%v)", err)
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 2 {
		t.Errorf("beside the site: %v, want the site and its previous build only", entries)
	}

	// Folders of other files are refused, untouched, whether at --out or at <out>.previous.
	for _, dir := range []string{"docs", "docs.previous"} {
		t.Run(dir, func(t *testing.T) {
			home := t.TempDir()
			other := filepath.Join(home, "docs")
			if err := os.MkdirAll(filepath.Join(home, dir), 0o755); err != nil {
				t.Fatal(err)
			}
			mark(filepath.Join(home, dir), "notes.txt")
			_, err := Build(ctx, db, Options{Out: other})
			if !errors.Is(err, ErrNotSite) {
				t.Fatalf("building over %s: %v, want ErrNotSite", dir, err)
			}
			if b, err := os.ReadFile(filepath.Join(home, dir, "notes.txt")); err != nil || string(b) != "notes.txt" {
				t.Fatalf("%s was touched: %q %v", dir, b, err)
			}
			if entries, _ := os.ReadDir(home); len(entries) != 1 {
				t.Errorf("the refused build left %v", entries)
			}
		})
	}
}

// listFiles adds names to the manifest of the site in dir, as if its build had written them.
func listFiles(t *testing.T, dir string, names ...string) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(dir, manifestFile), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, n := range names {
		fmt.Fprintln(f, n)
	}
}

// Files a person put in a site folder, or in the site a build keeps at <out>.previous, stop the
// next build, which names them and touches nothing; a site written before manifests is refused
// only for a DuckDB file, which is never deleted.
func TestFilesTheBuildDidNotWriteStopIt(t *testing.T) {
	ctx := context.Background()
	db := fixtureDB(t, fixtureSQL)
	parent := t.TempDir()
	out := filepath.Join(parent, "site")
	if _, err := Build(ctx, db, Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	warehouseFile := filepath.Join(t.TempDir(), "w.duckdb")
	w, err := warehouse.Open(ctx, warehouse.Options{Path: warehouseFile})
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	body, _ := os.ReadFile(warehouseFile)
	mine := map[string][]byte{"notes.txt": []byte("my notes"), "custom/page.html": []byte("<p>mine</p>"), "backup/w.duckdb": body}
	put := func(dir string) {
		for name, b := range mine {
			p := filepath.Join(dir, filepath.FromSlash(name))
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	intact := func(dir string) {
		t.Helper()
		for name, b := range mine {
			if got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name))); err != nil || !bytes.Equal(got, b) {
				t.Errorf("%s/%s was touched (%v)", filepath.Base(dir), name, err)
			}
		}
	}
	refused := func(dir string) {
		t.Helper()
		for range 2 { // and again: the refusal changes nothing
			_, err := Build(ctx, db, Options{Out: out})
			if !errors.Is(err, ErrNotSite) {
				t.Fatalf("files in %s: %v, want ErrNotSite", dir, err)
			}
			for name := range mine {
				if !strings.Contains(err.Error(), name) {
					t.Errorf("the error does not name %s: %v", name, err)
				}
			}
			intact(dir)
		}
	}
	put(out)
	refused(out)
	for name := range mine {
		os.Remove(filepath.Join(out, filepath.FromSlash(name)))
	}
	if _, err := Build(ctx, db, Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	put(out + ".previous")
	refused(out + ".previous")

	// A site from before manifests: its other files cannot be told from its own, but a DuckDB
	// database is no site file.
	for _, dir := range []string{out, out + ".previous"} {
		os.Remove(filepath.Join(dir, manifestFile))
	}
	os.Remove(filepath.Join(out+".previous", "notes.txt"))
	os.RemoveAll(filepath.Join(out+".previous", "custom"))
	_, err = Build(ctx, db, Options{Out: out})
	if !errors.Is(err, ErrNotSite) || !strings.Contains(err.Error(), "backup/w.duckdb") {
		t.Fatalf("a DuckDB file in a site without a manifest: %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(out+".previous", "backup", "w.duckdb")); !bytes.Equal(got, body) {
		t.Error("the DuckDB file was touched")
	}
}

// treeHash lists every file under root with its mode and content.
func treeHash(t *testing.T, root string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		body := []byte{}
		if fi.Mode().IsRegular() {
			if body, err = os.ReadFile(p); err != nil {
				return err
			}
		}
		fmt.Fprintf(&b, "%s %v %x\n", rel, fi.Mode(), sha256.Sum256(body))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// diffLines lists the lines only in a or only in b.
func diffLines(a, b string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out []string
	for l := range ma {
		if !mb[l] {
			out = append(out, "- "+l)
		}
	}
	for l := range mb {
		if !ma[l] {
			out = append(out, "+ "+l)
		}
	}
	slices.Sort(out)
	return strings.Join(out, "\n")
}
