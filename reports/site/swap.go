package site

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/cornerstone-data/cornerstone/internal/safetext"
)

// previousDir is where a build keeps the site it replaced, until the next build: for comparing
// two builds or putting the last one back by hand.
func previousDir(out string) string { return out + ".previous" }

// checkReplaceable returns ErrNotSite when out or <out>.previous exists and is neither empty nor a
// site Cornerstone wrote (one holding its key file), or is a site holding files its build did not
// write (not in its manifest: notes, a custom/ folder, a warehouse copied there), naming them:
// --out pointed at a folder of other files must not be moved aside, overwritten or deleted, and a
// build deletes what the site it replaces two builds later did not write. A site written before
// manifests existed cannot tell its files from others: it is refused only when it holds a DuckDB
// database, which no build writes.
func checkReplaceable(out string) error {
	for _, dir := range []string{out, previousDir(out)} {
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) || (err == nil && len(entries) == 0) {
			continue
		}
		if err != nil {
			return fmt.Errorf("checking %s: %w", dir, err)
		}
		if _, err := os.Stat(filepath.Join(dir, keyFile)); err != nil {
			return fmt.Errorf("checking %s: it holds other files and no %s: %w; choose another --out or move it away", dir, keyFile, ErrNotSite)
		}
		if err := checkForeign(dir); err != nil {
			return err
		}
	}
	return nil
}

// checkForeign returns ErrNotSite naming the files of the site in dir that its manifest does not
// list, or for a site without a manifest its DuckDB files (at most ten, and how many more).
func checkForeign(dir string) error {
	listed, err := readManifest(dir)
	if err != nil {
		return err
	}
	var foreign []string
	err = filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel = filepath.ToSlash(rel); (listed != nil && !listed[rel]) || (listed == nil && isDuckDB(p)) {
			foreign = append(foreign, rel)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("checking %s: %w", dir, err)
	}
	if len(foreign) == 0 {
		return nil
	}
	names := strings.Join(foreign[:min(len(foreign), 10)], ", ")
	if len(foreign) > 10 {
		names += fmt.Sprintf(" and %d more", len(foreign)-10)
	}
	return fmt.Errorf("checking %s: it holds files the last build did not write (%s): %w; move them out of the folder, whose whole content each build replaces, or choose another --out",
		dir, safetext.Terminal(names), ErrNotSite)
}

// buildDir returns a new hidden folder beside out for the build: the site kept at <out>.previous
// moved there when there is one (checkReplaceable has vetted it), otherwise an empty folder. The
// build overwrites the old files in place and prunes those it did not write (outDir): on ext4,
// deleting a national site's 30,000 files and creating as many again took several seconds of
// journal waits, rewriting them in place a fraction of that.
func buildDir(out string) (string, error) {
	tmp, err := os.MkdirTemp(filepath.Dir(out), "."+filepath.Base(out)+"-build-")
	if err != nil {
		return "", fmt.Errorf("creating the build folder: %w", err)
	}
	prev := previousDir(out)
	if _, err := os.Stat(prev); err != nil {
		return tmp, nil
	}
	if err := os.Remove(tmp); err != nil {
		return "", fmt.Errorf("creating the build folder: %w", err)
	}
	if err := os.Rename(prev, tmp); err != nil {
		return "", fmt.Errorf("reusing %s for the build: %w", prev, err)
	}
	return tmp, nil
}

// swap puts the finished build in tmp in place at out, moving the site it replaces to
// <out>.previous, which no longer exists (buildDir took it). If the new site cannot be put in
// place, the old one is moved back.
func swap(tmp, out string) error {
	prev := previousDir(out)
	moved := false
	if _, err := os.Stat(out); err == nil {
		if err := os.Rename(out, prev); err != nil {
			return fmt.Errorf("moving the previous site to %s: %w", prev, err)
		}
		moved = true
	}
	if err := os.Rename(tmp, out); err != nil {
		if moved {
			_ = os.Rename(prev, out)
		}
		return fmt.Errorf("putting the new site in place: %w", err)
	}
	return os.Chmod(out, 0o755)
}
