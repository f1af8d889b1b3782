// Package queries holds Cornerstone's SQL models and seeds, embedded in the binary: a model is a file
// models/<schema>/<table>.sql with a strict header and one SELECT, a seed a CSV under seeds/. The
// engine that parses, checks and builds them is pipeline/models.
package queries

import (
	"embed"
	"io/fs"
)

//go:embed models seeds
var embedded embed.FS

// FS returns the embedded models and seeds folders.
func FS() fs.FS { return embedded }
