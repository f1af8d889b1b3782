package site

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/cornerstone-data/cornerstone/internal/warehouse"
)

// keyFile is written at the top of every site: the key of the inputs it was built from. It is a
// dotfile so web hosts do not serve it.
const keyFile = ".cornerstone-site-key"

// siteKey identifies everything a site's bytes depend on: the releases (the build id), every
// model's fingerprint (its SQL and the state of its inputs, from meta.models), the program that
// writes it (a hash of the running executable, so a new version rebuilds) and the options that
// change the output. Two builds with the same key write the same files.
func siteKey(ctx context.Context, db *warehouse.DB, buildID string, demo bool, opts Options) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "build %s\ndemo %t\nquartiles %t\npdf %t\npng %t\n", buildID, demo, opts.Quartiles, opts.PDF, opts.PNG)
	rows, err := db.Query(ctx, `SELECT name, coalesce(fingerprint, ''), coalesce(rows, -1) FROM meta.models ORDER BY name`)
	if err != nil {
		return "", fmt.Errorf("reading meta.models: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var name, fp string
		var n int64
		if err := rows.Scan(&name, &fp, &n); err != nil {
			return "", fmt.Errorf("reading meta.models: %w", err)
		}
		fmt.Fprintf(h, "model %s %s %d\n", name, fp, n)
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("reading meta.models: %w", err)
	}
	exe, err := executableHash()
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "program %s\n", exe)
	return hex.EncodeToString(h.Sum(nil)), nil
}

var exeHash = sync.OnceValues(func() (string, error) {
	path, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("finding the running program: %w", err)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("reading the running program: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("reading the running program: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
})

// executableHash is the SHA-256 of the running program, computed once.
func executableHash() (string, error) { return exeHash() }

// isCurrent reports whether the site at out was written from inputs with this key and still has
// its index (a site someone emptied by hand is rebuilt).
func isCurrent(out, key string) bool {
	b, err := os.ReadFile(filepath.Join(out, keyFile))
	if err != nil || !bytes.Equal(bytes.TrimSpace(b), []byte(key)) {
		return false
	}
	_, err = os.Stat(filepath.Join(out, "index.html"))
	return err == nil
}
