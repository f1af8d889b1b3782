package sources

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"

	"github.com/cornerstone-data/cornerstone/sources/fetch"
	"github.com/cornerstone-data/cornerstone/sources/landing"
)

// fetchAssets retrieves every asset of rel into the landing zone's temp folder, or reuses the
// landed file when the publisher answers 304 Not Modified.
func (env *Env) fetchAssets(ctx context.Context, info Info, rel Release) ([]Fetched, error) {
	var out []Fetched
	for _, a := range rel.Assets {
		if a.Name == "" && a.URL != "" {
			if u, err := url.Parse(a.URL); err == nil {
				a.Name = path.Base(u.Path)
			}
		}
		a.Name = landing.SafeName(a.Name)
		f, err := env.fetchOne(ctx, info, a)
		if err != nil {
			for _, g := range out {
				g.removeTemp()
			}
			label := a.URL
			if label == "" {
				label = a.Path
			}
			return nil, &LoadError{Source: info.ID, Release: rel.Key(), File: label, Err: err}
		}
		out = append(out, f)
	}
	return out, nil
}

func (env *Env) fetchOne(ctx context.Context, info Info, a Asset) (Fetched, error) {
	if a.Path != "" {
		return copyLocal(ctx, env.Landing.TempDir(), a, info.MaxFileBytes)
	}
	req := fetch.Request{URL: a.URL, Name: info.ID + " " + a.Name, Expect: a.Kind}
	prev, havePrev := env.previousFile(ctx, info.ID, a.URL)
	if havePrev {
		req.ETag, req.LastModified = prev.ETag, prev.LastModified
	}
	r, err := env.Fetch.Download(ctx, req, env.Landing.TempDir())
	if err != nil {
		return Fetched{}, err
	}
	if r.NotModified {
		if !havePrev {
			return Fetched{}, fmt.Errorf("fetching %s: 304 Not Modified for a file never landed", a.URL)
		}
		return Fetched{Asset: a, Path: prev.Path, SHA256: prev.SHA256, Size: prev.Size}, nil
	}
	f := Fetched{Asset: a, Path: r.Path, SHA256: r.SHA256, Size: r.Size, Result: r}
	stage, named, err := stageAs(env.Landing.TempDir(), a.Name)
	if err == nil {
		err = os.Rename(r.Path, named)
	}
	if err != nil {
		_ = os.Remove(r.Path)
		if stage != "" {
			_ = os.RemoveAll(stage)
		}
		return Fetched{}, fmt.Errorf("staging %s: %w", a.Name, err)
	}
	f.Path, f.stage = named, stage
	return f, nil
}

// stageAs makes a new folder in the temp folder for a file named name (a safe base name), so that
// readers' messages name the publisher's or the user's file rather than a temp name. The folder is
// removed when the release's load ends (Fetched.removeTemp); what a killed process leaves there is
// removed by the next landing.New.
func stageAs(tmpDir, name string) (stage, path string, err error) {
	stage, err = os.MkdirTemp(tmpDir, "in-")
	if err != nil {
		return "", "", err
	}
	if name == "" || name == "." {
		name = "file"
	}
	return stage, filepath.Join(stage, name), nil
}

// removeTemp removes the file's temp folder (a no-op for a landed file).
func (f Fetched) removeTemp() {
	if f.stage != "" {
		_ = os.RemoveAll(f.stage)
	}
}

// previousFile finds the newest landed file fetched from url, for conditional GET.
func (env *Env) previousFile(ctx context.Context, source, u string) (landing.File, bool) {
	var sha string
	err := env.DB.QueryRow(ctx, `SELECT sha256 FROM meta.files WHERE source = ? AND url = ? ORDER BY retrieved_at DESC LIMIT 1`, source, u).Scan(&sha)
	if err != nil {
		return landing.File{}, false
	}
	f, err := env.Landing.Lookup(source, sha)
	if err != nil {
		return landing.File{}, false
	}
	return f, true
}

// copyLocal copies a --from file into the temp folder under its own name, hashing it and checking
// it is not an HTML page or the wrong format. Only a regular file is read (a symbolic link to one
// included): a named pipe, a device or a folder fails with ErrNotRegularFile before anything blocks
// on it, and the copy stops when ctx is cancelled. A file larger than maxBytes (when not zero)
// fails with ErrFileTooLarge before any of it is read.
func copyLocal(ctx context.Context, tmpDir string, a Asset, maxBytes int64) (Fetched, error) {
	st, err := os.Stat(a.Path)
	if err != nil {
		return Fetched{}, fmt.Errorf("opening %s: %w", a.Path, err)
	}
	if !st.Mode().IsRegular() {
		return Fetched{}, fmt.Errorf("opening %s: %w (%s)", a.Path, ErrNotRegularFile, fileKind(st.Mode()))
	}
	tooLarge := func(size int64) error {
		return fmt.Errorf("reading %s: %w: %d bytes, more than its %d", a.Path, ErrFileTooLarge, size, maxBytes)
	}
	if maxBytes > 0 && st.Size() > maxBytes {
		return Fetched{}, tooLarge(st.Size())
	}
	// O_NONBLOCK: should the path have become a pipe since, opening it must not wait for a writer.
	in, err := os.OpenFile(a.Path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return Fetched{}, fmt.Errorf("opening %s: %w", a.Path, err)
	}
	defer in.Close()
	if st, err := in.Stat(); err != nil || !st.Mode().IsRegular() {
		return Fetched{}, fmt.Errorf("opening %s: %w", a.Path, ErrNotRegularFile)
	}
	var src io.Reader = ctxReader{ctx: ctx, r: in}
	if maxBytes > 0 {
		src = io.LimitReader(src, maxBytes+1) // the file may have grown since Stat
	}
	head := make([]byte, 8192)
	n, err := io.ReadFull(src, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return Fetched{}, fmt.Errorf("reading %s: %w", a.Path, err)
	}
	head = head[:n]
	if n == 0 {
		return Fetched{}, fmt.Errorf("reading %s: %w", a.Path, fetch.ErrEmpty)
	}
	if err := fetch.Sniff(head, "", a.Kind); err != nil {
		return Fetched{}, fmt.Errorf("checking %s: %w", a.Path, err)
	}
	stage, named, err := stageAs(tmpDir, a.Name)
	if err != nil {
		return Fetched{}, fmt.Errorf("copying %s: %w", a.Path, err)
	}
	out, err := os.OpenFile(named, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		_ = os.RemoveAll(stage)
		return Fetched{}, fmt.Errorf("copying %s: %w", a.Path, err)
	}
	h := sha256.New()
	w := io.MultiWriter(out, h)
	size, err := w.Write(head)
	if err == nil {
		var rest int64
		rest, err = io.Copy(w, src)
		size += int(rest)
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.RemoveAll(stage)
		return Fetched{}, fmt.Errorf("copying %s: %w", a.Path, err)
	}
	if maxBytes > 0 && int64(size) > maxBytes {
		_ = os.RemoveAll(stage)
		return Fetched{}, tooLarge(int64(size))
	}
	return Fetched{Asset: a, Path: named, SHA256: hex.EncodeToString(h.Sum(nil)), Size: int64(size), stage: stage}, nil
}

// fileKind names what a path that is not a regular file is, for messages.
func fileKind(m os.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&os.ModeNamedPipe != 0:
		return "a named pipe"
	case m&os.ModeSocket != 0:
		return "a socket"
	case m&os.ModeDevice != 0:
		return "a device"
	}
	return "not a plain file"
}

// ctxReader stops reading once ctx is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// releaseSHA is the file's hash, or for several files the hash of their sorted name:hash lines.
func releaseSHA(files []Fetched) string {
	if len(files) == 1 {
		return files[0].SHA256
	}
	lines := make([]string, len(files))
	for i, f := range files {
		lines[i] = f.Name + ":" + f.SHA256
	}
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:])
}
