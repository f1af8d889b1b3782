// Package mysociety holds the la-register source: mySociety's register of UK local authorities
// (names, GSS codes, MHCLG E-codes, types, start and end dates, successors and former codes).
package mysociety

import (
	"context"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/fetch"
)

func init() { sources.Register(Register{}) }

// Register is the la-register source.
type Register struct{}

// URL is the register's published CSV (the uk_la_future data package, which includes past and
// future authorities with their start and end dates).
const URL = "https://pages.mysociety.org/uk_local_authority_names_and_codes/data/uk_la_future/latest/uk_local_authorities_future.csv"

// Homepage is the data package's page.
const Homepage = "https://pages.mysociety.org/uk_local_authority_names_and_codes/datasets/uk_la_future/latest"

// Dataset is the register's dataset name.
const Dataset = "uk-local-authorities"

// Table is raw.la_register: the register as published, one row per authority.
var Table = warehouse.Table{Schema: "raw", Name: "la_register", Doc: "mySociety register of UK local authorities", Columns: []warehouse.Column{
	{Name: "register_code", Type: "VARCHAR", Doc: "local-authority-code (three letters)"},
	{Name: "official_name", Type: "VARCHAR"},
	{Name: "nice_name", Type: "VARCHAR"},
	{Name: "gss_code", Type: "VARCHAR"},
	{Name: "start_date", Type: "DATE"},
	{Name: "end_date", Type: "DATE"},
	{Name: "replaced_by", Type: "VARCHAR", Doc: "register codes of successors, comma-separated"},
	{Name: "nation", Type: "VARCHAR"},
	{Name: "region", Type: "VARCHAR"},
	{Name: "la_type", Type: "VARCHAR", Doc: "UA, NMD, MD, LBO, CTY, SCO, NID, WPA, COI, CA, COMB, …"},
	{Name: "la_type_name", Type: "VARCHAR"},
	{Name: "county_la", Type: "VARCHAR", Doc: "register code of the county for districts"},
	{Name: "combined_authority", Type: "VARCHAR"},
	{Name: "alt_names", Type: "VARCHAR", Doc: "comma-separated alternative names"},
	{Name: "former_gss_codes", Type: "VARCHAR", Doc: "comma-separated earlier GSS codes of the same authority"},
	{Name: "current_authority", Type: "BOOLEAN"},
	{Name: "ecode", Type: "VARCHAR", Doc: "MHCLG local government finance code (E-code)"},
	{Name: "notes", Type: "VARCHAR"},
	{Name: "area_km2", Type: "DOUBLE", Doc: "land area in square kilometres (the register's area column)"},
	{Name: "longitude", Type: "DOUBLE"},
	{Name: "latitude", Type: "DOUBLE"},
}}

// headers maps each column to the register's header text.
var headers = []struct{ col, header string }{
	{"register_code", "local-authority-code"}, {"official_name", "official-name"}, {"nice_name", "nice-name"},
	{"gss_code", "gss-code"}, {"start_date", "start-date"}, {"end_date", "end-date"}, {"replaced_by", "replaced-by"},
	{"nation", "nation"}, {"region", "region"}, {"la_type", "local-authority-type"}, {"la_type_name", "local-authority-type-name"},
	{"county_la", "county-la"}, {"combined_authority", "combined-authority"}, {"alt_names", "alt-names"},
	{"former_gss_codes", "former-gss-codes"}, {"current_authority", "current-authority"}, {"ecode", "ecode"}, {"notes", "notes"},
	{"area_km2", "area"}, {"longitude", "long"}, {"latitude", "lat"},
}

var required = []string{"local-authority-code", "official-name", "nice-name", "gss-code", "start-date", "end-date",
	"replaced-by", "nation", "local-authority-type"}

// Info describes the source.
func (Register) Info() sources.Info {
	return sources.Info{
		ID:        "la-register",
		Title:     "UK local authority names and codes",
		Publisher: "mySociety",
		Licence:   "CC BY 4.0 (mySociety data package; the register copy does not state one)",
		Homepage:  Homepage,
		Tables:    []warehouse.Table{Table, LookupTable},
		Cadence: sources.Cadence{Every: "irregular", Months: []time.Month{time.April}, Grace: 90 * 24 * time.Hour,
			Note: "updated when authorities change, most often for 1 April reorganisations"},
		Schedule: "0 5 * * 1",
		MaxDrop:  0.2,
	}
}

// Discover returns the register CSV (whose vintage is the date it was retrieved, set by Identify)
// and, where the ONS Open Geography Portal is reachable, its year-to-year district lookups. The
// lookups add code changes the register has not caught up with; when the portal cannot be reached
// the register alone is loaded and the run says so.
func (Register) Discover(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	out := []sources.Release{{
		Dataset: Dataset,
		Title:   "UK local authorities (past, current and future)",
		PageURL: Homepage,
		Assets:  []sources.Asset{{URL: URL, Name: "uk_local_authorities_future.csv", Kind: fetch.KindCSV}},
	}}
	lookups, err := discoverLookups(ctx, env)
	if err != nil {
		if env.Progress != nil {
			env.Progress.Logf("la-register: ONS district lookups not reachable, loading the register alone: %v", err)
		}
		return out, nil
	}
	return append(out, lookups...), nil
}

// Identify names the release by the date the file was retrieved (or its Last-Modified date), since
// the register publishes no version numbers.
func (Register) Identify(ctx context.Context, rel *sources.Release, files []sources.Fetched) error {
	if rel.Dataset == "" && strings.EqualFold(filepath.Ext(files[0].Name), ".json") {
		rel.Vintage = strings.TrimSuffix(files[0].Name, filepath.Ext(files[0].Name))
		m := lookupServiceRe.FindStringSubmatch(rel.Vintage)
		if m == nil {
			return fmt.Errorf("%s: not an ONS district lookup (want a name like LAD24_LAD25_UK_LU.json): %w", files[0].Name, sources.ErrNoVintage)
		}
		rel.Dataset = LookupDataset + "-" + m[1] + "_" + m[2]
	}
	if strings.HasPrefix(rel.Dataset, LookupDataset) {
		if rel.Title == "" {
			rel.Title = "ONS Open Geography Portal: " + rel.Vintage
		}
		return nil
	}
	if rel.Dataset == "" {
		rel.Dataset = Dataset
	}
	if rel.Vintage != "" {
		return nil
	}
	t := time.Now().UTC()
	if r := files[0].Result; r != nil {
		t = r.RetrievedAt
		if lm, err := time.Parse(time.RFC1123, r.LastModified); err == nil {
			t = lm
		}
	}
	rel.Vintage = t.Format("2006-01-02")
	if rel.Title == "" {
		rel.Title = "UK local authority names and codes"
	}
	return nil
}

var gssRe = regexp.MustCompile(`^[EKNSWJ]\d{8}$`)

// Load reads the register into raw.la_register, checking codes and dates cell by cell, or an ONS
// lookup into raw.ons_lad_lookups.
func (Register) Load(ctx context.Context, ld *sources.Loader) error {
	f, err := ld.File("data")
	if err != nil {
		return err
	}
	if strings.HasPrefix(ld.Release.Dataset, LookupDataset) {
		return loadLookup(ctx, ld, f.Path, f.Filename)
	}
	wb, err := sheets.Open(f.Path)
	if err != nil {
		return err
	}
	defer wb.Close()
	sheet := wb.Sheets()[0]
	rows, err := wb.Rows(sheet)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return fmt.Errorf("%s: %w", f.Filename, sources.ErrEmptyRelease)
	}
	var optional []string
	for _, h := range headers {
		optional = append(optional, h.header)
	}
	cols, err := sources.MatchColumns(f.Filename, sheet, rows.Row(), required, optional)
	if err != nil {
		return err
	}
	ld.Note(sources.MissingOptional(f.Filename, sheet, rows.Row(), cols)...)
	w, err := ld.Writer(ctx, Table.Name)
	if err != nil {
		return err
	}
	vals := make([]any, len(headers))
	for rows.Next() {
		row := rows.Row()
		if cols.Text(row, "local-authority-code") == "" {
			continue
		}
		for i, h := range headers {
			text := cols.Text(row, h.header)
			switch h.col {
			case "start_date", "end_date":
				d, err := parseDate(text)
				if err != nil {
					return &sheets.CellError{File: f.Filename, Sheet: sheet, Row: rows.Number(), Col: cols.Index(h.header), Value: text, Err: err}
				}
				vals[i] = d
			case "gss_code":
				if text != "" && !gssRe.MatchString(text) {
					return &sheets.CellError{File: f.Filename, Sheet: sheet, Row: rows.Number(), Col: cols.Index(h.header), Value: text, Err: errors.New("not a GSS code")}
				}
				vals[i] = nilIfEmpty(text)
			case "area_km2", "longitude", "latitude":
				if text == "" {
					vals[i] = nil
					break
				}
				v, err := strconv.ParseFloat(text, 64)
				if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
					return &sheets.CellError{File: f.Filename, Sheet: sheet, Row: rows.Number(), Col: cols.Index(h.header), Value: text, Err: errors.New("not a number")}
				}
				vals[i] = v
			case "current_authority":
				switch text {
				case "True", "TRUE", "true":
					vals[i] = true
				case "False", "FALSE", "false":
					vals[i] = false
				default:
					vals[i] = nil
				}
			default:
				vals[i] = nilIfEmpty(text)
			}
		}
		if err := w.Append(f.Filename, sheet, rows.Number(), vals...); err != nil {
			return err
		}
	}
	return rows.Err()
}

func parseDate(s string) (any, error) {
	if s == "" {
		return nil, nil
	}
	for _, layout := range []string{"2006-01-02", "2006-01-02T15:04:05", "02/01/2006"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return nil, errors.New("not a date (want YYYY-MM-DD)")
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
