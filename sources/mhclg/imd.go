package mhclg

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/govuk"
	"github.com/cornerstone-data/cornerstone/sources/values"
)

func init() { sources.Register(Deprivation{}) }

// Deprivation is the imd source: the English Indices of Deprivation local authority district
// summaries (File 10: IMD and each domain, per lower-tier authority), IoD2019 and later editions
// (IoD2025 uses 2024 district codes), discovered through the GOV.UK collection.
type Deprivation struct{}

// DeprivationCollection is the GOV.UK collection listing every edition.
const DeprivationCollection = "/government/collections/english-indices-of-deprivation"

// DeprivationDataset is the dataset name of File 10.
const DeprivationDataset = "lad-summaries"

// DeprivationTable is raw.imd_lad_summaries: one row per district, domain and measure.
var DeprivationTable = warehouse.Table{Schema: "raw", Name: "imd_lad_summaries", Doc: "English Indices of Deprivation, local authority district summaries (File 10), long form", Columns: []warehouse.Column{
	{Name: "area_code", Type: "VARCHAR", Doc: "district GSS code as published"},
	{Name: "area_name", Type: "VARCHAR"},
	{Name: "code_year", Type: "INTEGER", Doc: "the year of the district codes (2019 for IoD2019)"},
	{Name: "edition", Type: "VARCHAR", Doc: "IoD2019, IoD2025, …"},
	{Name: "domain", Type: "VARCHAR", Doc: "IMD, Income, Employment, Education, Skills and Training, …"},
	{Name: "measure", Type: "VARCHAR", Doc: "Average rank, Average score, Rank of average score, Extent, Scale, …"},
	{Name: "value", Type: "DOUBLE"},
}}

// Info describes the source.
func (Deprivation) Info() sources.Info {
	return sources.Info{
		ID:         "imd",
		Title:      "English Indices of Deprivation: local authority district summaries",
		Publisher:  "Ministry of Housing, Communities and Local Government",
		Licence:    "Open Government Licence v3.0",
		LicenceURL: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
		Homepage:   govuk.PageURL(DeprivationCollection),
		Tables:     []warehouse.Table{DeprivationTable},
		Cadence: sources.Cadence{Every: "irregular", Months: []time.Month{time.September, time.October}, Grace: 5 * 365 * 24 * time.Hour,
			Note: "a new edition every four to six years (2015, 2019, 2025)"},
		Schedule: "0 4 1 * *",
	}
}

var (
	iodPageRe = regexp.MustCompile(`/english-indices-of-deprivation-(\d{4})$`)
	file10Re  = regexp.MustCompile(`(?i)^File_10_`)
)

// Discover lists every edition in the GOV.UK collection and the File 10 attachment of each.
func (Deprivation) Discover(ctx context.Context, env *sources.Env) ([]sources.Release, error) {
	col, err := govuk.Get(ctx, env.Fetch, DeprivationCollection)
	if err != nil {
		return nil, err
	}
	docs, err := col.Match(iodPageRe)
	if err != nil {
		return nil, err
	}
	var out []sources.Release
	for _, d := range docs {
		year := iodPageRe.FindStringSubmatch(d.BasePath)[1]
		page, err := govuk.Get(ctx, env.Fetch, d.BasePath)
		if err != nil {
			return nil, err
		}
		att, err := page.Attachment(file10Re)
		if err != nil {
			return nil, err
		}
		out = append(out, sources.Release{
			Dataset: DeprivationDataset, Vintage: "IoD" + year,
			Title: page.Title + ": " + att.Title, PageURL: govuk.PageURL(d.BasePath), Published: page.FirstPublishedAt,
			Assets: []sources.Asset{{URL: att.URL, Name: att.Name(), Kind: att.Kind()}},
		})
	}
	return out, nil
}

var (
	codeHeaderRe = regexp.MustCompile(`^Local Authority District code \((\d{4})\)$`)
	nameHeaderRe = regexp.MustCompile(`^Local Authority District name \((\d{4})\)$`)
	fileYearRe   = regexp.MustCompile(`IoD(\d{4})`)
)

// iodMeasures are the measures a domain column may hold, matched as the text after "<domain> - ".
var iodMeasures = []string{
	"Rank of proportion of LSOAs in most deprived 10% nationally",
	"Proportion of LSOAs in most deprived 10% nationally",
	"Rank of average rank", "Average rank", "Rank of average score", "Average score",
	"Rank of extent", "Extent", "Rank of local concentration", "Local concentration",
}

var (
	scaleRe     = regexp.MustCompile(`(?i)^(.+?) scale$`)
	rankScaleRe = regexp.MustCompile(`(?i)^Rank of (.+?) scale$`)
	editionRe   = regexp.MustCompile(`^(.+?) \d{4}$`)
)

// parseIoDHeader splits "<domain> - <measure>" by the known measures (never by splitting on " - "),
// and reads the scale columns ("Income scale", "Rank of Income Scale").
func parseIoDHeader(h string) (domain, measure string, ok bool) {
	if m := rankScaleRe.FindStringSubmatch(h); m != nil {
		return m[1], "Rank of scale", true
	}
	if m := scaleRe.FindStringSubmatch(h); m != nil {
		return m[1], "Scale", true
	}
	for _, m := range iodMeasures {
		if d, found := strings.CutSuffix(h, " - "+m); found {
			if e := editionRe.FindStringSubmatch(d); e != nil {
				d = e[1] // "IMD 2019 - Extent" is the IMD's extent
			}
			return d, m, true
		}
	}
	return "", "", false
}

// Identify reads the edition from the file name (IoD2019…) and the code year from the header.
func (Deprivation) Identify(ctx context.Context, rel *sources.Release, files []sources.Fetched) error {
	if rel.Dataset == "" {
		rel.Dataset = DeprivationDataset
	}
	if rel.Vintage != "" {
		return nil
	}
	if m := fileYearRe.FindStringSubmatch(files[0].Name); m != nil {
		rel.Vintage = "IoD" + m[1]
	}
	if rel.Vintage == "" {
		return fmt.Errorf("%s: the file name does not say the edition (IoD2019…): %w", files[0].Name, sources.ErrNoVintage)
	}
	if rel.Title == "" {
		rel.Title = "English Indices of Deprivation " + strings.TrimPrefix(rel.Vintage, "IoD") + ": File 10, local authority district summaries"
	}
	return nil
}

// Load reads every domain sheet (each starting with the district code and name columns).
func (Deprivation) Load(ctx context.Context, ld *sources.Loader) error {
	f, err := ld.File("")
	if err != nil {
		return err
	}
	wb, err := sheets.Open(f.Path)
	if err != nil {
		return err
	}
	defer wb.Close()
	w, err := ld.Writer(ctx, DeprivationTable.Name)
	if err != nil {
		return err
	}
	edition := ld.Release.Vintage
	read := 0
	for _, sheet := range wb.Sheets() {
		n, err := loadIoDSheet(ctx, wb, sheet, f.Filename, edition, w)
		if err != nil {
			return err
		}
		if n > 0 {
			read++
		}
	}
	if read == 0 {
		return &sources.LayoutError{File: f.Filename, Expected: "Local Authority District code (YYYY)", Nearest: wb.Sheets(),
			Detail: "no sheet starts with the district code and name columns"}
	}
	return nil
}

func loadIoDSheet(ctx context.Context, wb sheets.Workbook, sheet, file, edition string, w *sources.Writer) (int, error) {
	rows, err := wb.Rows(sheet)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var header []sheets.Cell
	for i := 0; i < 10 && rows.Next(); i++ {
		r := rows.Row()
		if len(r) > 0 && codeHeaderRe.MatchString(sheets.NormalizeHeader(r[0].Value)) {
			header = append([]sheets.Cell{}, r...)
			break
		}
	}
	if header == nil {
		return 0, rows.Err() // a sheet without the table (Notes)
	}
	codeYear, _ := strconv.Atoi(codeHeaderRe.FindStringSubmatch(sheets.NormalizeHeader(header[0].Value))[1])
	if len(header) < 3 || !nameHeaderRe.MatchString(sheets.NormalizeHeader(header[1].Value)) {
		return 0, &sources.LayoutError{File: file, Sheet: sheet, Expected: fmt.Sprintf("Local Authority District name (%d)", codeYear)}
	}
	type col struct {
		idx             int
		domain, measure string
	}
	var cols []col
	for i := 2; i < len(header); i++ {
		h := sheets.NormalizeHeader(header[i].Value)
		if h == "" {
			continue
		}
		d, m, ok := parseIoDHeader(h)
		if !ok {
			return 0, &sources.LayoutError{File: file, Sheet: sheet, Expected: "<domain> - <measure> with a known measure",
				Nearest: []string{h}, Detail: "unrecognised column header"}
		}
		cols = append(cols, col{i, d, m})
	}
	n := 0
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		r := rows.Row()
		code := iodCell(r, 0)
		if code == "" {
			continue
		}
		if !iodGSSRe.MatchString(code) {
			return n, &sheets.CellError{File: file, Sheet: sheet, Row: rows.Number(), Col: 0, Value: code, Err: errors.New("not a GSS code")}
		}
		for _, c := range cols {
			v, err := values.Parse(iodCell(r, c.idx))
			if err != nil {
				return n, &sheets.CellError{File: file, Sheet: sheet, Row: rows.Number(), Col: c.idx, Value: iodCell(r, c.idx), Err: err}
			}
			if !v.Valid {
				continue
			}
			if err := w.Append(file, sheet, rows.Number(), code, iodCell(r, 1), codeYear, edition, c.domain, c.measure, v.Value); err != nil {
				return n, err
			}
		}
		n++
	}
	return n, rows.Err()
}

var iodGSSRe = regexp.MustCompile(`^[EW]\d{8}$`)

func iodCell(r []sheets.Cell, i int) string {
	if i < 0 || i >= len(r) {
		return ""
	}
	return strings.TrimSpace(r[i].Value)
}
