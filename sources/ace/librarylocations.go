package ace

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/values"
)

func init() { sources.Register(LibraryLocations{}) }

// LibraryLocations is the ace-library-locations source: the basic dataset of public libraries in
// England, renamed the Libraries Location Dataset: one row per library (static, mobile, prison,
// local history library or archive) since April 2010, with statutory status and operator per
// year, opening hours, co-location and coordinates. The reader knows the column names of the
// enhanced CSV (LibrariesHacked's cleaned copy of ACE's 2023 file, the only layout seen); any
// missing column is a *sources.LayoutError naming it.
type LibraryLocations struct{}

// LibraryLocationsDataset is the dataset name.
const LibraryLocationsDataset = "libraries-location-dataset"

// LibrarySitesTable is raw.ace_library_sites: one row per library as published.
var LibrarySitesTable = warehouse.Table{Schema: "raw", Name: "ace_library_sites",
	Doc: "ACE Libraries Location Dataset (basic dataset): one row per library, as published", Columns: []warehouse.Column{
		{Name: "reporting_service", Type: "VARCHAR"},
		{Name: "reporting_service_code", Type: "VARCHAR", Doc: "GSS code as published (may be an abolished authority's)"},
		{Name: "name", Type: "VARCHAR"},
		{Name: "type", Type: "VARCHAR", Doc: "Static Library, Mobile Library, Archive, Prison Library, Static Local History Library"},
		{Name: "address_1", Type: "VARCHAR"}, {Name: "address_2", Type: "VARCHAR"}, {Name: "address_3", Type: "VARCHAR"},
		{Name: "postcode", Type: "VARCHAR"},
		{Name: "uprn", Type: "VARCHAR", Doc: "unique property reference number, as text (leading zeros kept)"},
		{Name: "easting", Type: "DOUBLE"}, {Name: "northing", Type: "DOUBLE"},
		{Name: "longitude", Type: "DOUBLE"}, {Name: "latitude", Type: "DOUBLE"},
		{Name: "upper_tier_authority", Type: "VARCHAR"},
		{Name: "year_opened", Type: "INTEGER"}, {Name: "year_closed", Type: "INTEGER"},
		{Name: "operating_organisation", Type: "VARCHAR"},
		{Name: "department", Type: "VARCHAR"},
		{Name: "co_located", Type: "VARCHAR", Doc: "Yes/No as published"},
		{Name: "co_located_with", Type: "VARCHAR", Doc: "the co-location categories marked X, joined with '; '"},
		{Name: "co_located_other", Type: "VARCHAR", Doc: "Co-located other text"},
		{Name: "opening_times", Type: "VARCHAR", Doc: "Monday…Sunday opening times as 'Monday: …; Tuesday: …'"},
		{Name: "hours_open_per_week", Type: "DOUBLE"},
		{Name: "staffed_hours_per_week", Type: "DOUBLE"},
		{Name: "automated", Type: "VARCHAR"},
		{Name: "email_or_website", Type: "VARCHAR"},
		{Name: "rural_urban_code", Type: "VARCHAR"},
		{Name: "imd_decile", Type: "INTEGER"},
	}}

// LibrarySiteYearsTable is raw.ace_library_site_years: statutory status and operation per year.
var LibrarySiteYearsTable = warehouse.Table{Schema: "raw", Name: "ace_library_site_years",
	Doc: "ACE Libraries Location Dataset: each library's statutory status and operation model per year, as published", Columns: []warehouse.Column{
		{Name: "site_row", Type: "BIGINT", Doc: "_row of the library in raw.ace_library_sites (same load)"},
		{Name: "year", Type: "INTEGER"},
		{Name: "statutory", Type: "VARCHAR", Doc: "Yes/No as published (blank: not stated)"},
		{Name: "operation", Type: "VARCHAR", Doc: "LA, LAU, C, CR, ICL or blank"},
	}}

// Info describes the source.
func (LibraryLocations) Info() sources.Info {
	return sources.Info{
		ID:         "ace-library-locations",
		Title:      "Libraries Location Dataset (basic dataset of public libraries in England)",
		Publisher:  "Arts Council England",
		Licence:    "Open Government Licence v3.0",
		LicenceURL: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
		Homepage:   LibrariesPage,
		Tables:     []warehouse.Table{LibrarySitesTable, LibrarySiteYearsTable},
		Cadence: sources.Cadence{Every: "annual", Months: []time.Month{time.March, time.April}, Grace: 180 * 24 * time.Hour,
			Note: "published annually by ACE since it took the dataset over from the Libraries Taskforce [DOC]"},
		Schedule: "0 5 * * 2",
	}
}

var (
	locationLinkRe = regexp.MustCompile(`(?i)(basic[ _%20-]*dataset|location[s]?[ _%20-]*dataset).*\.(csv|xlsx|ods)$`)
	yearRe         = regexp.MustCompile(`(?:^|[^0-9])(20\d\d)(?:[^0-9]|$)`)
	statutoryRe    = regexp.MustCompile(`^Statutory in (\d{4})$`)
	operationRe    = regexp.MustCompile(`^Operation in (\d{4})$`)
	coLocatedRe    = regexp.MustCompile(`^Co-located (.+)$`)
	openingRe      = regexp.MustCompile(`^(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) opening times$`)
)

// Discover reads ACE's libraries page (and its data sub-pages) for the location dataset's files.
func (LibraryLocations) Discover(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	links, err := libraryDataLinks(ctx, env, func(l pageLink) bool {
		return locationLinkRe.MatchString(l.FileName()) || (locationLinkRe.MatchString(l.Text+"."+extOf(l.FileName())) && extOf(l.FileName()) != "")
	})
	if err != nil {
		return nil, err
	}
	var out []sources.Release
	for _, l := range links {
		rel := sources.Release{Dataset: LibraryLocationsDataset, Vintage: lastYear(l.FileName() + " " + l.Text), Title: l.Title(), PageURL: l.Page,
			Assets: []sources.Asset{{URL: l.URL, Name: l.FileName(), Kind: kindOf(l.FileName())}}}
		out = append(out, rel)
	}
	sortReleases(out)
	return out, nil
}

func extOf(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		switch e := strings.ToLower(name[i+1:]); e {
		case "csv", "xlsx", "ods":
			return e
		}
	}
	return ""
}

// lastYear returns the latest 20YY in s, or "".
func lastYear(s string) string {
	best := ""
	for _, m := range yearRe.FindAllStringSubmatch(s, -1) {
		if m[1] > best {
			best = m[1]
		}
	}
	return best
}

// Identify takes the year from the file name, or else the latest "Statutory in YYYY" column.
func (LibraryLocations) Identify(ctx context.Context, rel *sources.Release, files []sources.Fetched) error {
	if rel.Dataset == "" {
		rel.Dataset = LibraryLocationsDataset
	}
	if rel.Vintage == "" {
		rel.Vintage = lastYear(files[0].Name)
	}
	if rel.Vintage == "" {
		wb, err := sheets.Open(files[0].Path)
		if err != nil {
			return err
		}
		defer wb.Close()
		y, err := readLocations(ctx, wb, files[0].Name, nil, nil)
		if err != nil {
			return err
		}
		if y > 0 {
			rel.Vintage = strconv.Itoa(y)
		}
	}
	if rel.Vintage == "" {
		return fmt.Errorf("%s: no year in the file name or the Statutory in YYYY columns: %w", files[0].Name, sources.ErrNoVintage)
	}
	if rel.Title == "" {
		rel.Title = "Libraries Location Dataset " + rel.Vintage
	}
	return nil
}

// Load writes one raw.ace_library_sites row per library and its per-year status rows.
func (LibraryLocations) Load(ctx context.Context, ld *sources.Loader) error {
	f, err := ld.File("")
	if err != nil {
		return err
	}
	wb, err := sheets.Open(f.Path)
	if err != nil {
		return err
	}
	defer wb.Close()
	sites, err := ld.Writer(ctx, LibrarySitesTable.Name)
	if err != nil {
		return err
	}
	years, err := ld.Writer(ctx, LibrarySiteYearsTable.Name)
	if err != nil {
		return err
	}
	_, err = readLocations(ctx, wb, f.Filename, ld.Note, func(s librarySite) error {
		if err := sites.Append(f.Filename, s.sheet, s.row, s.values...); err != nil {
			return err
		}
		for _, y := range s.years {
			if err := years.Append(f.Filename, s.sheet, s.row, int64(s.row), y.year, nilIfEmpty(y.statutory), nilIfEmpty(y.operation)); err != nil {
				return err
			}
		}
		return nil
	})
	return err
}

// Location dataset headers.
const (
	hdrReportingService = "Reporting service"
	hdrServiceCode      = "Reporting service code"
	hdrName             = "Name"
	hdrType             = "Type"
)

var locationText = []string{"Address 1", "Address 2", "Address 3", "Postcode", "Unique property reference number"}
var locationNumbers = []string{"Easting", "Northing", "Longitude", "Latitude"}

type siteYear struct {
	year                 int
	statutory, operation string
}

type librarySite struct {
	sheet  string
	row    int
	values []any // in LibrarySitesTable column order
	years  []siteYear
}

// readLocations finds the sheet with the dataset's header, reads every library and calls emit
// (when not nil). It returns the latest "Statutory in YYYY" year. Optional columns missing in a
// way that looks like a mistake (sources.MissingOptional) are passed to note (when not nil).
func readLocations(ctx context.Context, wb sheets.Workbook, file string, note func(...string), emit func(librarySite) error) (int, error) {
	var closest error
	for _, sheet := range wb.Sheets() {
		rows, err := wb.Rows(sheet)
		if err != nil {
			return 0, err
		}
		_, header, err := sheets.FindHeader(rows, 10, hdrReportingService, hdrName, hdrType)
		if err != nil {
			rows.Close()
			if errors.Is(err, sheets.ErrHeaderNotFound) {
				closest = sources.CloserHeader(closest, err)
				continue
			}
			return 0, err
		}
		y, err := readLocationRows(ctx, rows, file, sheet, header, note, emit)
		rows.Close()
		return y, err
	}
	if closest == nil {
		return 0, &sources.LayoutError{File: file, Expected: hdrReportingService, Detail: "the workbook has no sheets"}
	}
	return 0, sources.HeaderLayoutError(file, closest)
}

func readLocationRows(ctx context.Context, rows sheets.Rows, file, sheet string, header []sheets.Cell, note func(...string), emit func(librarySite) error) (int, error) {
	optional := append(append([]string{hdrServiceCode, "Upper tier local authority", "Year opened", "Year closed",
		"Operating organisation", "Department", "Co-located", "Co-located other text", "Hours open per week",
		"Staffed hours per week", "Automated", "Email or website", "Rural urban classification code",
		"Index of multiple deprivation decile"}, locationText...), locationNumbers...)
	cols, err := sources.MatchColumns(file, sheet, header, []string{hdrReportingService, hdrName, hdrType}, optional)
	if err != nil {
		return 0, err
	}
	type yearCol struct{ year, statutory, operation int }
	byYear := map[int]*yearCol{}
	type named struct {
		idx  int
		name string
	}
	var coLocated, opening []named
	for i, c := range header {
		h := sheets.NormalizeHeader(c.Value)
		if m := statutoryRe.FindStringSubmatch(h); m != nil {
			y, _ := strconv.Atoi(m[1])
			if byYear[y] == nil {
				byYear[y] = &yearCol{y, -1, -1}
			}
			byYear[y].statutory = i
			cols[h] = i // matched by pattern: never offered as a missing column's nearest
		} else if m := operationRe.FindStringSubmatch(h); m != nil {
			y, _ := strconv.Atoi(m[1])
			if byYear[y] == nil {
				byYear[y] = &yearCol{y, -1, -1}
			}
			byYear[y].operation = i
			cols[h] = i
		} else if m := openingRe.FindStringSubmatch(h); m != nil {
			opening = append(opening, named{i, m[1]})
			cols[h] = i
		} else if m := coLocatedRe.FindStringSubmatch(h); m != nil && h != "Co-located other text" {
			coLocated = append(coLocated, named{i, m[1]})
			cols[h] = i
		}
	}
	if note != nil {
		note(sources.MissingOptional(file, sheet, header, cols)...)
	}
	if len(byYear) == 0 {
		return 0, &sources.LayoutError{File: file, Sheet: sheet, Expected: "Statutory in YYYY", Detail: "no statutory-status column"}
	}
	var yearCols []yearCol
	latest := 0
	for _, y := range byYear {
		yearCols = append(yearCols, *y)
		latest = max(latest, y.year)
	}
	sort.Slice(yearCols, func(i, j int) bool { return yearCols[i].year < yearCols[j].year })
	text := func(r []sheets.Cell, name string) any {
		if v := cols.Text(r, name); v != "" {
			return v
		}
		return nil
	}
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return latest, err
		}
		r := rows.Row()
		if cols.Text(r, hdrName) == "" && cols.Text(r, hdrReportingService) == "" {
			continue
		}
		bad := func(name, why string) error {
			return &sheets.CellError{File: file, Sheet: sheet, Row: rows.Number(), Col: cols.Index(name), Value: cols.Text(r, name), Err: errors.New(why)}
		}
		for _, req := range []string{hdrReportingService, hdrName, hdrType} {
			if cols.Text(r, req) == "" {
				return latest, bad(req, "required: every library names its reporting service, name and type")
			}
		}
		num := func(name string, whole bool) (any, error) {
			v := cols.Text(r, name)
			n, err := values.Parse(v)
			if err != nil {
				return nil, bad(name, "not a number")
			}
			if !n.Valid {
				return nil, nil
			}
			if whole {
				if n.Value != float64(int64(n.Value)) {
					return nil, bad(name, "not a whole number")
				}
				return int64(n.Value), nil
			}
			return n.Value, nil
		}
		var nums []any
		for _, name := range []string{"Easting", "Northing", "Longitude", "Latitude"} {
			v, err := num(name, false)
			if err != nil {
				return latest, err
			}
			nums = append(nums, v)
		}
		yo, err := num("Year opened", true)
		if err != nil {
			return latest, err
		}
		yc, err := num("Year closed", true)
		if err != nil {
			return latest, err
		}
		hours, err := num("Hours open per week", false)
		if err != nil {
			return latest, err
		}
		staffed, err := num("Staffed hours per week", false)
		if err != nil {
			return latest, err
		}
		decile, err := num("Index of multiple deprivation decile", true)
		if err != nil {
			return latest, err
		}
		var with, times []string
		for _, c := range coLocated {
			if v := cellText(r, c.idx); v != "" && !strings.EqualFold(v, "no") {
				with = append(with, c.name)
			}
		}
		for _, c := range opening {
			if v := cellText(r, c.idx); v != "" {
				times = append(times, c.name+": "+v)
			}
		}
		joined := func(s []string, sep string) any {
			if len(s) == 0 {
				return nil
			}
			return strings.Join(s, sep)
		}
		site := librarySite{sheet: sheet, row: rows.Number(), values: []any{
			cols.Text(r, hdrReportingService), text(r, hdrServiceCode), cols.Text(r, hdrName), cols.Text(r, hdrType),
			text(r, "Address 1"), text(r, "Address 2"), text(r, "Address 3"), text(r, "Postcode"),
			text(r, "Unique property reference number"), nums[0], nums[1], nums[2], nums[3],
			text(r, "Upper tier local authority"), yo, yc, text(r, "Operating organisation"), text(r, "Department"),
			text(r, "Co-located"), joined(with, "; "), text(r, "Co-located other text"), joined(times, "; "),
			hours, staffed, text(r, "Automated"), text(r, "Email or website"), text(r, "Rural urban classification code"), decile,
		}}
		for _, y := range yearCols {
			st, op := cellText(r, y.statutory), cellText(r, y.operation)
			if st == "" && op == "" {
				continue
			}
			site.years = append(site.years, siteYear{y.year, st, op})
		}
		if emit != nil {
			if err := emit(site); err != nil {
				return latest, err
			}
		}
	}
	return latest, rows.Err()
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
