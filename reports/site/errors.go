package site

import "errors"

// ErrNotSite means --out (or <out>.previous) is a folder that holds something other than a site
// Cornerstone wrote: a build replaces and deletes whole folders, so it refuses to touch it.
var ErrNotSite = errors.New("not a Cornerstone site")
