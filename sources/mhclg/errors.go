package mhclg

import "errors"

// errNotRO5 means a file given with --from is neither an RO5 workbook nor the revenue outturn time
// series.
var errNotRO5 = errors.New("not an RO5 workbook or the revenue outturn time series")
