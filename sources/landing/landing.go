// Package landing is Cornerstone's raw landing zone: every file fetched from a publisher is kept,
// immutable and content-addressed, with a sidecar recording where it came from.
//
// Layout under the root (the --data folder):
//
//	<source>/<sha256>/<filename>         the file exactly as retrieved, read-only
//	<source>/<sha256>/provenance.json    the sidecar (Provenance)
//	.tmp/                                downloads in progress (same filesystem, so renames are atomic)
//	.tmp/.lock                           held (shared) by every process using the zone
//
// A landed directory is written once: it is assembled under .tmp and renamed into place, so a crash
// never leaves a half-written file under a content address. Landing the same content again keeps the
// first file and sidecar. What a killed process leaves in .tmp is removed by the next New when no
// other process is using the zone.
package landing

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// Provenance is the sidecar of a landed file.
type Provenance struct {
	Source       string    `json:"source"`
	Filename     string    `json:"filename"`
	SHA256       string    `json:"sha256"`
	Size         int64     `json:"size"`
	URL          string    `json:"url,omitempty"`
	FinalURL     string    `json:"final_url,omitempty"`
	LocalPath    string    `json:"local_path,omitempty"`
	RetrievedAt  time.Time `json:"retrieved_at"`
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	ContentType  string    `json:"content_type,omitempty"`
	Publisher    string    `json:"publisher"`
	Dataset      string    `json:"dataset"`
	ReleaseTitle string    `json:"release_title"`
	Vintage      string    `json:"vintage"`
	Licence      string    `json:"licence,omitempty"`
	PageURL      string    `json:"page_url,omitempty"`
	Demo         bool      `json:"demo,omitempty"`
}

// File is a landed file.
type File struct {
	// Path is the absolute path of the file.
	Path string
	// Rel is the path relative to the landing root.
	Rel string
	Provenance
}

// Zone is a landing zone rooted at a folder.
type Zone struct {
	root string
}

var shaRe = regexp.MustCompile(`^[0-9a-f]{64}$`)
var sourceRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// New returns the zone rooted at root, creating the folder when needed. The process then uses the
// zone until it exits (a shared lock on .tmp/.lock); the first process to use a zone that no other
// process is using empties its temp folder of what killed processes left there.
func New(root string) (*Zone, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("resolving landing root %s: %w", root, err)
	}
	if err := os.MkdirAll(filepath.Join(abs, ".tmp"), 0o755); err != nil {
		return nil, fmt.Errorf("creating landing zone %s: %w", root, err)
	}
	if err := claim(abs); err != nil {
		return nil, err
	}
	return &Zone{root: abs}, nil
}

// Root returns the absolute root folder.
func (z *Zone) Root() string { return z.root }

// TempDir returns the folder for downloads in progress; files there are renamed into place.
func (z *Zone) TempDir() string { return filepath.Join(z.root, ".tmp") }

// Land moves the temporary file at tmp (inside TempDir) to its content address and writes the
// sidecar. p.Source, p.SHA256 and p.Filename are required; the filename is reduced to a safe base
// name. When the address is already taken the existing file is kept, tmp is removed, and the
// existing File (with its original sidecar) is returned.
func (z *Zone) Land(tmp string, p Provenance) (File, error) {
	if !sourceRe.MatchString(p.Source) {
		return File{}, fmt.Errorf("landing %s: bad source id %q", tmp, p.Source)
	}
	if !shaRe.MatchString(p.SHA256) {
		return File{}, fmt.Errorf("landing %s: bad sha256 %q", tmp, p.SHA256)
	}
	p.Filename = SafeName(p.Filename)
	if existing, err := z.Lookup(p.Source, p.SHA256); err == nil {
		_ = os.Remove(tmp)
		return existing, nil
	}
	final := filepath.Join(z.root, p.Source, p.SHA256)
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return File{}, fmt.Errorf("landing %s: %w", p.Filename, err)
	}
	stage, err := os.MkdirTemp(z.TempDir(), "land-")
	if err != nil {
		return File{}, fmt.Errorf("landing %s: %w", p.Filename, err)
	}
	defer os.RemoveAll(stage)
	if err := os.Rename(tmp, filepath.Join(stage, p.Filename)); err != nil {
		return File{}, fmt.Errorf("landing %s: %w", p.Filename, err)
	}
	_ = os.Chmod(filepath.Join(stage, p.Filename), 0o444)
	side, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return File{}, err
	}
	if err := writeSync(filepath.Join(stage, "provenance.json"), append(side, '\n')); err != nil {
		return File{}, fmt.Errorf("landing %s: writing sidecar: %w", p.Filename, err)
	}
	if err := os.Rename(stage, final); err != nil {
		// Another process landed the same content first: keep theirs.
		if existing, lerr := z.Lookup(p.Source, p.SHA256); lerr == nil {
			return existing, nil
		}
		return File{}, fmt.Errorf("landing %s: %w", p.Filename, err)
	}
	return z.Lookup(p.Source, p.SHA256)
}

// ErrNotLanded means no file with that source and hash is in the zone.
var ErrNotLanded = errors.New("not landed")

// Lookup returns the landed file for source and sha256, or ErrNotLanded.
func (z *Zone) Lookup(source, sha256 string) (File, error) {
	if !sourceRe.MatchString(source) || !shaRe.MatchString(sha256) {
		return File{}, fmt.Errorf("looking up %s/%s: %w", source, sha256, ErrNotLanded)
	}
	dir := filepath.Join(z.root, source, sha256)
	b, err := os.ReadFile(filepath.Join(dir, "provenance.json"))
	if err != nil {
		return File{}, fmt.Errorf("looking up %s/%s: %w", source, sha256, ErrNotLanded)
	}
	var p Provenance
	if err := json.Unmarshal(b, &p); err != nil {
		return File{}, fmt.Errorf("reading sidecar of %s/%s: %w", source, sha256, err)
	}
	name := SafeName(p.Filename)
	path := filepath.Join(dir, name)
	if _, err := os.Stat(path); err != nil {
		return File{}, fmt.Errorf("looking up %s/%s: %w", source, sha256, ErrNotLanded)
	}
	rel, _ := filepath.Rel(z.root, path)
	return File{Path: path, Rel: rel, Provenance: p}, nil
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._()+ -]+`)

// SafeName reduces any name (a URL path, a user-supplied file name) to a single safe file name: no
// directories, no "..", no control characters, at most 180 bytes, never empty.
func SafeName(name string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	name = unsafeChars.ReplaceAllString(name, "_")
	name = strings.Trim(name, ". ")
	if len(name) > 180 {
		ext := filepath.Ext(name)
		if len(ext) > 16 {
			ext = ""
		}
		name = name[:180-len(ext)] + ext
	}
	if name == "" {
		name = "file"
	}
	return name
}

func writeSync(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o444)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
