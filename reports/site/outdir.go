package site

import (
	"errors"
	"fmt"
	"io"
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
// build's files, byte for byte what a build into an empty folder writes, and lists them in its
// manifest. Prune deletes only files the older site's own manifest lists, and never a DuckDB
// database. Safe for concurrent use.
type outDir struct {
	root    string
	mu      sync.Mutex
	written map[string]bool // slash-separated paths under root
}

// manifestFile lists, one slash-separated path a line, every file a build wrote (itself included).
// It is a dotfile so web hosts do not serve it.
const manifestFile = ".cornerstone-site-files"

func newOutDir(root string) *outDir {
	return &outDir{root: root, written: map[string]bool{}}
}

// readManifest returns the paths the site in dir lists as its own, or nil when it has no manifest
// (a new folder, or a site written before manifests).
func readManifest(dir string) (map[string]bool, error) {
	b, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the site's list of files: %w", err)
	}
	m := map[string]bool{}
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			m[l] = true
		}
	}
	return m, nil
}

// writeManifest writes the list of the files the build wrote.
func (d *outDir) writeManifest() error {
	d.path(manifestFile)
	d.mu.Lock()
	names := make([]string, 0, len(d.written))
	for n := range d.written {
		names = append(names, n)
	}
	d.mu.Unlock()
	slices.Sort(names)
	body := "# The files Cornerstone wrote in this site; any other file stops the next build.\n" + strings.Join(names, "\n") + "\n"
	return d.WriteFile(manifestFile, []byte(body))
}

// isDuckDB reports whether the file at p is a DuckDB database or write-ahead log, by its name or
// its header ("DUCK" at byte 8).
func isDuckDB(p string) bool {
	name := strings.ToLower(filepath.Base(p))
	if strings.HasSuffix(name, ".duckdb") || strings.HasSuffix(name, ".wal") {
		return true
	}
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 12)
	n, _ := io.ReadFull(f, head)
	return n == 12 && string(head[8:12]) == "DUCK"
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

// Prune writes the manifest, then deletes every file the build did not write and every folder left
// empty, except keep (slash-separated folders the site has even when empty). It never deletes a
// file the older site's manifest does not list (one put there after checkReplaceable looked) nor a
// DuckDB database: such a file stays, unlisted, so the next build refuses to start, naming it.
func (d *outDir) Prune(keep ...string) error {
	previous, err := readManifest(d.root)
	if err != nil {
		return err
	}
	if err := d.writeManifest(); err != nil {
		return err
	}
	var stale, dirs []string
	err = filepath.WalkDir(d.root, func(p string, e fs.DirEntry, err error) error {
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
		rel, _ := filepath.Rel(d.root, p)
		if (previous != nil && !previous[filepath.ToSlash(rel)]) || isDuckDB(p) {
			continue
		}
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
