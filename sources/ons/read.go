package ons

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/values"
)

// Sheet names in the published workbooks.
const (
	SheetMYE2  = "MYE2 - Persons"
	SheetMYEB1 = "MYEB1"
)

var (
	midYearRe  = regexp.MustCompile(`(?i)mid-?\s?(\d{4})`)
	myeFileRe  = regexp.MustCompile(`(?i)mye(\d{2})tables`)
	ladcodeRe  = regexp.MustCompile(`^ladcode(\d{2})$`)
	popYearRe  = regexp.MustCompile(`^population_(\d{4})$`)
	areaCodeRe = regexp.MustCompile(`^[EKNSWJ]\d{8}$`)
)

// layout is what Identify learns about a file.
type layout struct {
	dataset string
	sheet   string
	year    int // MYE2: the mid-year; MYEB1: the last year
	first   int // MYEB1: the first year
}

// Identify tells MYE2 from MYEB1 (by sheet name, or for CSV by header) and reads the vintage from
// the title rows, the file name or (MYEB1) the last population_YYYY column. When discovery already
// named a vintage that the file contradicts, it fails rather than mislabel the data.
func (Population) Identify(ctx context.Context, rel *sources.Release, files []sources.Fetched) error {
	f := files[0]
	lay, err := inspect(f.Path, f.Name)
	if err != nil {
		return err
	}
	var vintage string
	if lay.dataset == DatasetMYE2 {
		vintage = fmt.Sprintf("mid-%d", lay.year)
	} else {
		vintage = fmt.Sprintf("mid-%d-to-mid-%d", lay.first, lay.year)
	}
	if rel.Dataset != "" && rel.Dataset != lay.dataset {
		return fmt.Errorf("%s holds %s, not %s", f.Name, lay.dataset, rel.Dataset)
	}
	if rel.Vintage != "" && rel.Vintage != vintage {
		return fmt.Errorf("%s holds %s but its release page says %s", f.Name, vintage, rel.Vintage)
	}
	rel.Dataset, rel.Vintage = lay.dataset, vintage
	if rel.Title == "" {
		rel.Title = "Population estimates for England and Wales: " + strings.Replace(vintage, "mid-", "Mid-", 2)
	}
	return nil
}

func inspect(path, name string) (layout, error) {
	wb, err := sheets.Open(path)
	if err != nil {
		return layout{}, err
	}
	defer wb.Close()
	sheet := ""
	for _, s := range wb.Sheets() {
		if s == SheetMYEB1 || s == SheetMYE2 {
			sheet = s
			if s == SheetMYE2 {
				break
			}
		}
	}
	if sheet == "" && wb.Format() != sheets.FormatCSV {
		return layout{}, &sources.LayoutError{File: name, Expected: "a sheet named " + SheetMYE2 + " or " + SheetMYEB1,
			Nearest: wb.Sheets()}
	}
	rows, err := wb.Rows(sheet)
	if err != nil {
		return layout{}, err
	}
	defer rows.Close()
	var titles []string
	for i := 0; i < 20 && rows.Next(); i++ {
		cells := rows.Row()
		texts := make([]string, len(cells))
		for j, c := range cells {
			texts[j] = sheets.NormalizeHeader(c.Value)
		}
		if len(texts) > 0 && ladcodeRe.MatchString(texts[0]) {
			lay := layout{dataset: DatasetMYEB1, sheet: sheet}
			for _, t := range texts {
				if m := popYearRe.FindStringSubmatch(t); m != nil {
					y, _ := strconv.Atoi(m[1])
					if lay.first == 0 || y < lay.first {
						lay.first = y
					}
					if y > lay.year {
						lay.year = y
					}
				}
			}
			if lay.year == 0 {
				return layout{}, &sources.LayoutError{File: name, Sheet: sheet, Expected: "population_YYYY", Nearest: texts}
			}
			return lay, nil
		}
		if indexOf(texts, "Code") >= 0 && indexOf(texts, "All ages") >= 0 {
			lay := layout{dataset: DatasetMYE2, sheet: sheet}
			for _, t := range titles {
				if m := midYearRe.FindStringSubmatch(t); m != nil {
					lay.year, _ = strconv.Atoi(m[1])
					break
				}
			}
			if lay.year == 0 {
				if m := myeFileRe.FindStringSubmatch(filepath.Base(name)); m != nil {
					y, _ := strconv.Atoi(m[1])
					lay.year = 2000 + y
				}
			}
			if lay.year == 0 {
				return layout{}, fmt.Errorf("%s: no title row says which mid-year and the file name is not mye<yy>tables…: %w", name, sources.ErrNoVintage)
			}
			return lay, nil
		}
		titles = append(titles, strings.Join(texts, " "))
	}
	if err := rows.Err(); err != nil {
		return layout{}, err
	}
	return layout{}, &sources.LayoutError{File: name, Sheet: sheet, Expected: "Code, Name, Geography, All ages (MYE2) or ladcodeYY, population_YYYY (MYEB1)",
		Nearest: titles, Detail: "no header row in the first 20 rows"}
}

func indexOf(xs []string, x string) int {
	for i, v := range xs {
		if v == x {
			return i
		}
	}
	return -1
}

// Load reads the identified sheet into raw.ons_population.
func (p Population) Load(ctx context.Context, ld *sources.Loader) error {
	f, err := ld.File("data")
	if err != nil {
		return err
	}
	lay, err := inspect(f.Path, f.Filename)
	if err != nil {
		return err
	}
	wb, err := sheets.Open(f.Path)
	if err != nil {
		return err
	}
	defer wb.Close()
	rows, err := wb.Rows(lay.sheet)
	if err != nil {
		return err
	}
	defer rows.Close()
	// The bulk path: national MYEB1 files hold most of a million rows.
	w, err := ld.BulkWriter(ctx, Table.Name)
	if err != nil {
		return err
	}
	if lay.dataset == DatasetMYE2 {
		return loadMYE2(ctx, rows, w, f.Filename, lay)
	}
	return loadMYEB1(ctx, rows, w, f.Filename, lay)
}

func loadMYE2(ctx context.Context, rows sheets.Rows, w *sources.Writer, file string, lay layout) error {
	num, header, err := sheets.FindHeader(rows, 20, "Code", "Name", "All ages")
	if errors.Is(err, sheets.ErrHeaderNotFound) {
		return sources.HeaderLayoutError(file, err)
	} else if err != nil {
		return fmt.Errorf("%s: %w", file, err)
	}
	col := map[string]int{}
	for i, c := range header {
		col[sheets.NormalizeHeader(c.Value)] = i
	}
	geoCol := -1
	for _, g := range []string{"Geography", "Geography1", "Geography 1"} {
		if i, ok := col[g]; ok {
			geoCol = i
			break
		}
	}
	type ageCol struct {
		idx int
		age string
	}
	ages := []ageCol{{col["All ages"], "all"}}
	for a := 0; a <= 90; a++ {
		label := strconv.Itoa(a)
		if a == 90 {
			label = "90+"
		}
		if i, ok := col[label]; ok {
			ages = append(ages, ageCol{i, label})
		}
	}
	boundaries := ""
	_ = num
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		cells := rows.Row()
		code := cellText(cells, col["Code"])
		if code == "" {
			continue
		}
		if !areaCodeRe.MatchString(code) {
			// Footnotes below the table end it.
			if strings.HasPrefix(strings.ToLower(code), "source") || strings.HasPrefix(code, "Note") || strings.HasPrefix(code, "[") {
				break
			}
			return &sheets.CellError{File: file, Sheet: lay.sheet, Row: rows.Number(), Col: col["Code"], Value: code, Err: errors.New("not a GSS area code")}
		}
		name := cellText(cells, col["Name"])
		geo := cellText(cells, geoCol)
		for _, a := range ages {
			v, ok, err := values.Int(cellText(cells, a.idx))
			if err != nil {
				return &sheets.CellError{File: file, Sheet: lay.sheet, Row: rows.Number(), Col: a.idx, Value: cellText(cells, a.idx), Err: err}
			}
			if !ok {
				if a.age == "all" {
					return &sheets.CellError{File: file, Sheet: lay.sheet, Row: rows.Number(), Col: a.idx, Value: cellText(cells, a.idx), Err: errors.New("All ages is blank")}
				}
				continue
			}
			if err := w.Append(file, lay.sheet, rows.Number(), code, name, nilIfEmpty(geo), lay.year, "persons", a.age, v, nilIfEmpty(boundaries)); err != nil {
				return err
			}
		}
	}
	return rows.Err()
}

func loadMYEB1(ctx context.Context, rows sheets.Rows, w *sources.Writer, file string, lay layout) error {
	var header []sheets.Cell
	for rows.Next() {
		cells := rows.Row()
		if len(cells) > 0 && ladcodeRe.MatchString(sheets.NormalizeHeader(cells[0].Value)) {
			header = append([]sheets.Cell{}, cells...)
			break
		}
	}
	if header == nil {
		return &sources.LayoutError{File: file, Sheet: lay.sheet, Expected: "ladcodeYY"}
	}
	col := map[string]int{}
	years := map[int]int{}
	boundaries := ""
	for i, c := range header {
		t := sheets.NormalizeHeader(c.Value)
		col[t] = i
		if m := popYearRe.FindStringSubmatch(t); m != nil {
			y, _ := strconv.Atoi(m[1])
			years[i] = y
		}
		if m := ladcodeRe.FindStringSubmatch(t); m != nil {
			boundaries = "LAD20" + m[1]
			col["ladcode"] = i
		}
		if strings.HasPrefix(t, "laname") {
			col["laname"] = i
		}
	}
	for _, need := range []string{"sex", "age"} {
		if _, ok := col[need]; !ok {
			return &sources.LayoutError{File: file, Sheet: lay.sheet, Expected: need, Nearest: headerTexts(header)}
		}
	}
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		cells := rows.Row()
		code := cellText(cells, col["ladcode"])
		if code == "" {
			continue
		}
		if !areaCodeRe.MatchString(code) {
			return &sheets.CellError{File: file, Sheet: lay.sheet, Row: rows.Number(), Col: col["ladcode"], Value: code, Err: errors.New("not a GSS area code")}
		}
		sex, err := sexLabel(cellText(cells, col["sex"]))
		if err != nil {
			return &sheets.CellError{File: file, Sheet: lay.sheet, Row: rows.Number(), Col: col["sex"], Value: cellText(cells, col["sex"]), Err: err}
		}
		age := cellText(cells, col["age"])
		if age == "90" {
			age = "90+"
		}
		name := cellText(cells, col["laname"])
		for idx, y := range years {
			v, ok, err := values.Int(cellText(cells, idx))
			if err != nil {
				return &sheets.CellError{File: file, Sheet: lay.sheet, Row: rows.Number(), Col: idx, Value: cellText(cells, idx), Err: err}
			}
			if !ok {
				continue
			}
			if err := w.Append(file, lay.sheet, rows.Number(), code, name, nil, y, sex, age, v, boundaries); err != nil {
				return err
			}
		}
	}
	return rows.Err()
}

func sexLabel(s string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "m", "male", "males":
		return "male", nil
	case "2", "f", "female", "females":
		return "female", nil
	case "persons", "all", "p":
		return "persons", nil
	}
	return "", errors.New("sex is not 1/2, M/F or male/female")
}

func headerTexts(cells []sheets.Cell) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = c.Value
	}
	return out
}

func cellText(cells []sheets.Cell, i int) string {
	if i < 0 || i >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[i].Value)
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
