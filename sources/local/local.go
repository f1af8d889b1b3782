// Package local holds the sources councils and networks fill in themselves: CSV returns made from
// templates that `cornerstone template NAME` writes. Each return is validated cell by cell before
// anything is loaded, and every bad cell is reported at once (row, column, value, why).
//
// A source registers its Template here with RegisterTemplate and decodes returns with Decode,
// which uses gocsv for typed rows and the template's rules (required columns, choices, dates,
// area codes) for everything gocsv cannot check. Returns are read with the publisher readers'
// limits (ReadRecords), so a hostile file fails cheaply, and every message clips the values it
// quotes.
package local

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gocarina/gocsv"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/sources"
)

// Column types a template may declare.
const (
	Text    = "text"
	Integer = "integer" // a whole number, thousands separators allowed
	Number  = "number"  // a decimal number
	Date    = "date"    // YYYY-MM-DD
	Choice  = "choice"  // one of Choices
	Area    = "area"    // a GSS code (E06000065) or MHCLG E-code (E2721)
	Email   = "email"
)

// Column documents and constrains one column of a template.
type Column struct {
	Name     string
	Type     string
	Required bool
	Choices  []string
	Doc      string
	Example  string
}

// Template is a CSV return.
type Template struct {
	// Name is what `cornerstone template NAME` takes ("usage", "investment").
	Name string
	// Source is the id of the source that loads returns made from it.
	Source      string
	Title       string
	Description string
	Columns     []Column
}

var (
	mu        sync.RWMutex
	templates = map[string]Template{}
)

// ErrUnknownTemplate means no template has that name.
var ErrUnknownTemplate = errors.New("unknown template")

// RegisterTemplate makes a template available; it panics on a duplicate name (call it from init).
func RegisterTemplate(t Template) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := templates[t.Name]; dup {
		panic("local: RegisterTemplate called twice for " + t.Name)
	}
	templates[t.Name] = t
}

// LookupTemplate returns the named template or an error listing the known names.
func LookupTemplate(name string) (Template, error) {
	mu.RLock()
	defer mu.RUnlock()
	if t, ok := templates[name]; ok {
		return t, nil
	}
	return Template{}, fmt.Errorf("%w %q (known: %s)", ErrUnknownTemplate, name, strings.Join(namesLocked(), ", "))
}

// TemplateNames returns the registered names, sorted.
func TemplateNames() []string {
	mu.RLock()
	defer mu.RUnlock()
	return namesLocked()
}

func namesLocked() []string {
	var out []string
	for n := range templates {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// WriteCSV writes the template: the header and one example row (which a council replaces).
func (t Template) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	head := make([]string, len(t.Columns))
	ex := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i], ex[i] = c.Name, c.Example
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	if err := cw.Write(ex); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// WriteDoc writes the column documentation as a Markdown table.
func (t Template) WriteDoc(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s (template %q, loaded by `cornerstone ingest %s --from FILE`)\n\n%s\n\n", t.Title, t.Name, t.Source, t.Description)
	b.WriteString("| column | type | required | meaning |\n|---|---|---|---|\n")
	for _, c := range t.Columns {
		typ := c.Type
		if c.Type == Choice {
			typ = "one of: " + strings.Join(c.Choices, ", ")
		}
		req := "no"
		if c.Required {
			req = "yes"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", c.Name, typ, req, strings.ReplaceAll(c.Doc, "|", "/"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

var (
	gssRe   = regexp.MustCompile(`^[EWSN]\d{8}$`)
	ecodeRe = regexp.MustCompile(`^E\d{4}$`)
	emailRe = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
)

// MaxReturnBytes is the largest return the sources read: a council's return is a few hundred rows.
// The ingest driver refuses a larger file before reading it (sources.Info.MaxFileBytes).
const MaxReturnBytes = 32 << 20

// returnLimits bound what a return can make a reader do: the publisher readers' limits (a cell at
// most 4 MiB, a record 16 MiB) and at most MaxReturnBytes of file.
var returnLimits = sheets.Limits{MaxUncompressed: MaxReturnBytes}

// ReadRecords reads a return's records with sheets.CSVReader within returnLimits: every field as
// written (empty ones included), byte order marks dropped, invalid UTF-8 replaced. A file beyond
// the limits fails with an error wrapping sheets.ErrTooLarge that quotes none of it.
func ReadRecords(file string, r io.Reader) ([][]string, error) {
	cr := sheets.NewCSVReader(r, sheets.WithLimits(returnLimits))
	var recs [][]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", file, err)
		}
		recs = append(recs, rec)
	}
}

// readFile reads the records of the return at path; file names it in messages.
func readFile(path, file string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	defer f.Close()
	return ReadRecords(file, f)
}

// Decode validates a return held in memory against the template; see DecodeRecords.
func Decode[T any](t Template, file string, body []byte) ([]T, error) {
	recs, err := ReadRecords(file, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	return DecodeRecords[T](t, file, recs)
}

// DecodeRecords validates a return's records (ReadRecords) against the template and decodes them
// into rows of T (a struct with `csv:"column"` tags) with gocsv. It checks the header (every
// required column present, no unknown column) and every cell of every row (required, type,
// choices, codes), and returns a *sources.ValidationError listing every problem, or the decoded
// rows when there is none. Row numbers count the header as row 1, as a spreadsheet shows them.
func DecodeRecords[T any](t Template, file string, recs [][]string) ([]T, error) {
	verr := &sources.ValidationError{File: file}
	if len(recs) == 0 {
		verr.Problems = append(verr.Problems, sources.Problem{Row: 1, Why: "the file is empty: it needs the template's header row"})
		return nil, verr
	}
	header := recs[0]
	index := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		header[i] = h
		if _, dup := index[h]; dup {
			verr.Problems = append(verr.Problems, sources.Problem{Row: 1, Column: h, Value: h, Why: "column appears twice"})
		}
		index[h] = i
	}
	known := map[string]Column{}
	for _, c := range t.Columns {
		known[c.Name] = c
		if _, ok := index[c.Name]; !ok && c.Required {
			verr.Problems = append(verr.Problems, sources.Problem{Row: 1, Column: c.Name, Why: "required column missing from the header"})
		}
	}
	for _, h := range header {
		if _, ok := known[h]; !ok && h != "" {
			near := sources.Nearest(h, templateNames(t), 1)
			why := "not a column of the " + t.Name + " template"
			if len(near) > 0 {
				why += fmt.Sprintf(" (did you mean %q?)", near[0])
			}
			verr.Problems = append(verr.Problems, sources.Problem{Row: 1, Column: h, Value: h, Why: why})
		}
	}
	if len(verr.Problems) > 0 {
		return nil, verr
	}
	for n, rec := range recs[1:] {
		row := n + 2
		if len(rec) != len(header) {
			verr.Problems = append(verr.Problems, sources.Problem{Row: row, Why: fmt.Sprintf("%d fields, the header has %d", len(rec), len(header))})
			continue
		}
		for _, c := range t.Columns {
			i, ok := index[c.Name]
			if !ok {
				continue
			}
			if why := c.check(strings.TrimSpace(rec[i])); why != "" {
				verr.Problems = append(verr.Problems, sources.Problem{Row: row, Column: c.Name, Value: rec[i], Why: why})
			}
		}
	}
	var out []T
	handler := func(pe *csv.ParseError) bool {
		col, val := "", ""
		if pe.Column >= 1 && pe.Column <= len(header) {
			col = header[pe.Column-1]
			if pe.Line-1 < len(recs) && pe.Column-1 < len(recs[pe.Line-1]) {
				val = recs[pe.Line-1][pe.Column-1]
			}
		}
		if !hasProblem(verr, pe.Line, col) {
			verr.Problems = append(verr.Problems, sources.Problem{Row: pe.Line, Column: col, Value: val, Why: pe.Err.Error()})
		}
		return true
	}
	if err := gocsv.UnmarshalWithErrorHandler(bytes.NewReader(cleanNumbers(t, header, recs)), handler, &out); err != nil {
		return nil, fmt.Errorf("decoding %s: %w", file, err)
	}
	if len(verr.Problems) > 0 {
		sort.SliceStable(verr.Problems, func(i, j int) bool { return verr.Problems[i].Row < verr.Problems[j].Row })
		return nil, verr
	}
	return out, nil
}

// cleanNumbers re-encodes the CSV with thousands separators removed from integer and number
// columns, so gocsv parses "1,204" in a quoted cell as 1204.
func cleanNumbers(t Template, header []string, recs [][]string) []byte {
	numeric := map[int]bool{}
	for i, h := range header {
		for _, c := range t.Columns {
			if c.Name == h && (c.Type == Integer || c.Type == Number) {
				numeric[i] = true
			}
		}
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	for n, rec := range recs {
		out := append([]string{}, rec...)
		if n > 0 {
			for i := range out {
				out[i] = strings.TrimSpace(out[i])
				if numeric[i] {
					out[i] = strings.ReplaceAll(out[i], ",", "")
				}
			}
		}
		_ = w.Write(out)
	}
	w.Flush()
	return buf.Bytes()
}

func templateNames(t Template) []string {
	out := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		out[i] = c.Name
	}
	return out
}

// check returns why a cell's text is invalid for the column, or "".
func (c Column) check(v string) string {
	if v == "" {
		if c.Required {
			return "required"
		}
		return ""
	}
	switch c.Type {
	case Integer:
		if _, err := strconv.ParseInt(strings.ReplaceAll(v, ",", ""), 10, 64); err != nil {
			return "not a whole number"
		}
	case Number:
		if f, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", ""), 64); err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return "not a number"
		}
	case Date:
		if _, err := time.Parse("2006-01-02", v); err != nil {
			return "not a date (want YYYY-MM-DD)"
		}
	case Choice:
		for _, ch := range c.Choices {
			if v == ch {
				return ""
			}
		}
		return "not one of: " + strings.Join(c.Choices, ", ")
	case Area:
		if !gssRe.MatchString(v) && !ecodeRe.MatchString(v) {
			return "not a GSS code (E06000065) or MHCLG E-code (E2721)"
		}
	case Email:
		if !emailRe.MatchString(v) {
			return "not an email address"
		}
	}
	return ""
}

// hasProblem reports whether the template checks already reported the cell.
func hasProblem(v *sources.ValidationError, row int, col string) bool {
	for _, p := range v.Problems {
		if p.Row == row && p.Column == col {
			return true
		}
	}
	return false
}
