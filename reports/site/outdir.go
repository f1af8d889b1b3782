package site

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
)

// outDir is a build folder that may hold an older site: WriteFile overwrites a file in place, and
// Prune deletes every file the build did not write, so the finished folder holds exactly this
// build's files, byte for byte what a build into an empty folder writes. Safe for concurrent use.
type outDir struct {
	root    string
	mu      sync.Mutex
	written map[string]bool // slash-separated paths under root
}

func newOutDir(root string) *outDir {
	return &outDir{root: root, written: map[string]bool{}}
}

// path returns the file system path of rel (slash-separated) and records it as written.
func (d *outDir) path(rel string) string {
	d.mu.Lock()
	d.written[rel] = true
	d.mu.Unlock()
	return filepath.Join(d.root, filepath.FromSlash(rel))
}

// WriteFile writes data to rel. An existing regular file with one link is overwritten in place
// and truncated (its blocks are reused); anything else there (a symbolic link, a file linked
// elsewhere, a folder) is removed first, so nothing outside the build is ever written through.
func (d *outDir) WriteFile(rel string, data []byte) error {
	p := d.path(rel)
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|syscall.O_NOFOLLOW, 0o644)
	if err == nil && !soleRegular(f) {
		f.Close()
		f, err = nil, errReplace
	}
	if err != nil {
		if rmErr := os.RemoveAll(p); rmErr != nil {
			return fmt.Errorf("writing %s: %w", rel, rmErr)
		}
		if f, err = os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", rel, err)
		}
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Truncate(int64(len(data)))
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", rel, err)
	}
	return nil
}

var errReplace = errors.New("not a plain file")

// soleRegular reports whether f is a regular file with no other name.
func soleRegular(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Nlink == 1
}

// Fresh returns the path of rel for a writer that creates the file itself (DuckDB's COPY),
// removing what is there, and records it as written.
func (d *outDir) Fresh(rel string) (string, error) {
	p := d.path(rel)
	if err := os.RemoveAll(p); err != nil {
		return "", fmt.Errorf("writing %s: %w", rel, err)
	}
	return p, nil
}

// MkdirAll makes the folder rel (slash-separated), replacing anything there that is not a folder
// (a symbolic link included).
func (d *outDir) MkdirAll(rel string) error {
	p := filepath.Join(d.root, filepath.FromSlash(rel))
	if fi, err := os.Lstat(p); err == nil && !fi.IsDir() {
		if err := os.RemoveAll(p); err != nil {
			return fmt.Errorf("making %s: %w", rel, err)
		}
	}
	if err := os.MkdirAll(p, 0o755); err != nil {
		return fmt.Errorf("making %s: %w", rel, err)
	}
	return nil
}

// Sub returns a writer of files under the folder dir (for charts.Render).
func (d *outDir) Sub(dir string) subDir { return subDir{d, dir} }

type subDir struct {
	d   *outDir
	dir string
}

func (s subDir) WriteFile(name string, data []byte) error { return s.d.WriteFile(s.dir+"/"+name, data) }

// Prune deletes every file the build did not write and then every folder left empty, except
// keep (slash-separated folders the site has even when empty).
func (d *outDir) Prune(keep ...string) error {
	var stale, dirs []string
	err := filepath.WalkDir(d.root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(d.root, p)
		rel = filepath.ToSlash(rel)
		switch {
		case rel == ".":
		case e.IsDir():
			dirs = append(dirs, rel)
		case !d.written[rel]:
			stale = append(stale, p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("pruning the build folder: %w", err)
	}
	for _, p := range stale {
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("pruning the build folder: %w", err)
		}
	}
	// Deepest first, so a folder's emptied subfolders go before it.
	slices.SortFunc(dirs, func(a, b string) int { return strings.Count(b, "/") - strings.Count(a, "/") })
	for _, rel := range dirs {
		if slices.Contains(keep, rel) {
			continue
		}
		p := filepath.Join(d.root, filepath.FromSlash(rel))
		if entries, err := os.ReadDir(p); err == nil && len(entries) == 0 {
			if err := os.Remove(p); err != nil {
				return fmt.Errorf("pruning the build folder: %w", err)
			}
		}
	}
	return nil
}
