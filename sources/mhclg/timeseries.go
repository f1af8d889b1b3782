package mhclg

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
)

// The Revenue Outturn multi-year time series is one CSV (2017-18 onwards, about 2,500 columns):
// identity columns year_ending (YYYYMM, 202503 = 2024-25), ONS_code, LA_name, LA_class, status
// (submitted, not submitted, total), then one column per form data item named
// <FORM>_<assetid>_<measure> ("RO5_cultot_net_cur_exp"). Its companion metadata workbook
// describes every column; it is the dictionary from which the lines are found (asset ids such as
// archives' are not guessed). The reader streams the CSV and keeps the RO5, RS and RSX columns of
// authority rows (aggregate rows, status "total", are left out).

// TimeSeriesTable is raw.mhclg_ro_time_series.
var TimeSeriesTable = warehouse.Table{Schema: "raw", Name: "mhclg_ro_time_series", Doc: "Revenue Outturn multi-year time series, RO5, RS and RSX columns of authority rows, long form (£ thousand)", Columns: []warehouse.Column{
	{Name: "financial_year", Type: "VARCHAR", Doc: "from year_ending: 202503 is 2024-25"},
	{Name: "year_ending", Type: "VARCHAR", Doc: "as published (YYYYMM)"},
	{Name: "ons_code", Type: "VARCHAR"},
	{Name: "la_name", Type: "VARCHAR"},
	{Name: "la_class", Type: "VARCHAR"},
	{Name: "status", Type: "VARCHAR", Doc: "submitted or not submitted, as published"},
	{Name: "column_name", Type: "VARCHAR", Doc: "the CSV column as published (RO5_cultot_net_cur_exp)"},
	{Name: "form", Type: "VARCHAR", Doc: "RO5, RS or RSX"},
	{Name: "asset_id", Type: "VARCHAR", Doc: "the middle token (cultot)"},
	{Name: "measure_suffix", Type: "VARCHAR", Doc: "the measure token (net_cur_exp)"},
	{Name: "measure", Type: "VARCHAR", Doc: "C1 … C7 when the token is a known RO measure, else NULL"},
	{Name: "value_thousand", Type: "DOUBLE"},
	{Name: "value_note", Type: "VARCHAR", Doc: "why value_thousand is NULL"},
	{Name: "unit", Type: "VARCHAR", Doc: "GBP thousand"},
}}

// TimeSeriesColumnsTable is raw.mhclg_ro_time_series_columns: the metadata workbook's dictionary.
var TimeSeriesColumnsTable = warehouse.Table{Schema: "raw", Name: "mhclg_ro_time_series_columns", Doc: "Revenue Outturn time series column dictionary from its metadata workbook", Columns: []warehouse.Column{
	{Name: "column_name", Type: "VARCHAR", Doc: "as published"},
	{Name: "description", Type: "VARCHAR", Doc: "as published"},
	{Name: "form", Type: "VARCHAR"},
	{Name: "asset_id", Type: "VARCHAR"},
	{Name: "measure_suffix", Type: "VARCHAR"},
	{Name: "measure", Type: "VARCHAR", Doc: "C1 … C7 or NULL"},
	{Name: "line", Type: "VARCHAR", Doc: "Cornerstone line key the description names, or NULL"},
}}

// tsIdentity are the time series identity columns, matched exactly.
var tsIdentity = []string{"year_ending", "ONS_code", "LA_name", "LA_class", "status"}

// tsForms are the forms whose columns are kept.
var tsForms = map[string]bool{"RO5": true, "RS": true, "RSX": true}

// tsMeasures are the measure tokens of RO columns.
var tsMeasures = []struct{ suffix, code string }{
	{"net_cur_exp", "C7"}, {"tot_exp", "C3"}, {"tot_inc", "C6"}, {"run_exp", "C2"},
	{"oth_inc", "C5"}, {"empl", "C1"}, {"sfc", "C4"},
	{"net_exp", ""}, // RS: net revenue expenditure, not an RO column
}

// knownAssets are asset ids documented by third parties who read the real file; the metadata
// workbook is preferred, these only fill lines it leaves unnamed.
var knownAssets = map[string]string{"RO5_cultot": "total_cultural", "RO5_cultrs": "tourism"}

// tsColumn is a parsed time series column name.
type tsColumn struct {
	name, form, asset, suffix, code string
}

// parseTSColumn splits "<FORM>_<assetid>_<measure>" by the form at the start and a known measure
// token at the end (asset ids contain "_": RO5_culspr_frs_net_cur_exp). Unknown measures keep their
// last token; ok is false when the name has no form prefix.
func parseTSColumn(name string) (tsColumn, bool) {
	c := tsColumn{name: name}
	i := strings.IndexByte(name, '_')
	if i <= 0 {
		return c, false
	}
	c.form = name[:i]
	rest := name[i+1:]
	for _, m := range tsMeasures {
		if a, ok := strings.CutSuffix(rest, "_"+m.suffix); ok && a != "" {
			c.asset, c.suffix, c.code = a, m.suffix, m.code
			return c, true
		}
	}
	if j := strings.LastIndexByte(rest, '_'); j > 0 {
		c.asset, c.suffix = rest[:j], rest[j+1:]
	} else {
		c.asset = rest
	}
	return c, true
}

// tsHeaderText is a CSV header cell as compared: normalised and stripped of stray quotes.
func tsHeaderText(s string) string { return strings.Trim(norm(s), `"' `) }

func loadTimeSeries(ctx context.Context, ld *sources.Loader) error {
	f, err := ld.File("")
	if err != nil {
		return err
	}
	dict := map[string]string{}
	if mf, err := ld.File("metadata"); err == nil {
		entries, err := readTSMetadata(mf.Path, mf.Filename)
		if err != nil {
			return err
		}
		w, err := ld.Writer(ctx, TimeSeriesColumnsTable.Name)
		if err != nil {
			return err
		}
		for _, e := range entries {
			dict[e.col.name] = e.line
			if err := w.Append(mf.Filename, e.sheet, e.row, e.col.name, e.desc, nullable(e.col.form), nullable(e.col.asset),
				nullable(e.col.suffix), nullable(e.col.code), nullable(e.line)); err != nil {
				return err
			}
		}
		// The bulk writer below needs the transaction to itself.
		if err := w.Close(); err != nil {
			return err
		}
	} else {
		ld.Notef("%s: loaded without its metadata workbook; lines are named by the newest dictionary held", f.Filename)
	}
	// The bulk path: the multi-year file holds most of a million values.
	w, err := ld.BulkWriter(ctx, TimeSeriesTable.Name)
	if err != nil {
		return err
	}
	return readTimeSeries(ctx, f.Path, f.Filename, func(r tsRecord) error {
		var v any
		if r.amount.Valid {
			v = r.amount.Value
		}
		return w.Append(f.Filename, "", r.row, r.fy, r.yearEnding, r.ons, nullable(r.name), nullable(r.class), r.status,
			r.col.name, r.col.form, nullable(r.col.asset), nullable(r.col.suffix), nullable(r.col.code), v, nullable(r.amount.Reason), UnitThousand)
	})
}

// tsRecord is one kept value of the time series.
type tsRecord struct {
	row                      int
	fy, yearEnding           string
	ons, name, class, status string
	col                      tsColumn
	amount                   amount
}

// readTimeSeries streams the CSV and emits every kept value. Bad cells (a year_ending that is not
// a March YYYYMM, text that is neither a number nor a marker) are reported together in a
// *sources.ValidationError and nothing is emitted after the first.
func readTimeSeries(ctx context.Context, path, file string, emit func(tsRecord) error) error {
	wb, err := sheets.Open(path)
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
		return &sources.LayoutError{File: file, Expected: "year_ending", Detail: "the file is empty"}
	}
	header := append([]sheets.Cell(nil), rows.Row()...)
	for i := range header {
		header[i].Value = tsHeaderText(header[i].Value)
	}
	cols, err := sources.MatchColumns(file, "", header, tsIdentity, nil)
	if err != nil {
		return err
	}
	type keptCol struct {
		idx int
		c   tsColumn
	}
	var kept []keptCol
	seen := map[string]bool{}
	for i, h := range header {
		c, ok := parseTSColumn(h.Value)
		if !ok || !tsForms[c.form] {
			continue
		}
		if seen[c.name] {
			return &sources.LayoutError{File: file, Expected: c.name + " once", Nearest: []string{c.name}, Detail: "the column appears twice"}
		}
		seen[c.name] = true
		kept = append(kept, keptCol{i, c})
	}
	if len(kept) == 0 {
		return &sources.LayoutError{File: file, Expected: "RO5_cultot_net_cur_exp", Nearest: sources.Nearest("RO5_cultot_net_cur_exp", texts(header), 3),
			Detail: "no column is named <RO5|RS|RSX>_<asset>_<measure>"}
	}
	var problems []sources.Problem
	add := func(p sources.Problem) {
		if len(problems) < maxProblems {
			problems = append(problems, p)
		}
	}
	authorities := 0
	for rows.Next() {
		if err := ctx.Err(); err != nil {
			return err
		}
		r := rows.Row()
		status := strings.ToLower(cols.Text(r, "status"))
		ons := cols.Text(r, "ONS_code")
		if status == "total" || !gssRe.MatchString(ons) || strings.HasPrefix(ons, "E92") || strings.HasPrefix(ons, "E12") || strings.HasPrefix(ons, "E13") {
			continue // England, region, class and London aggregates
		}
		if status != "submitted" && status != "not submitted" {
			add(sources.Problem{Row: rows.Number(), Column: "status", Value: cols.Text(r, "status"), Why: "want submitted, not submitted or total"})
			continue
		}
		ye := cols.Text(r, "year_ending")
		fy, ok := yearEndingFY(ye)
		if !ok {
			add(sources.Problem{Row: rows.Number(), Column: "year_ending", Value: ye, Why: "want YYYY03 (year ending March)"})
			continue
		}
		authorities++
		rec := tsRecord{row: rows.Number(), fy: fy, yearEnding: ye, ons: ons, name: cols.Text(r, "LA_name"), class: cols.Text(r, "LA_class"), status: status}
		for _, k := range kept {
			var cell sheets.Cell
			if k.idx < len(r) {
				cell = r[k.idx]
			}
			a, err := parseAmount(cell)
			if err != nil {
				add(sources.Problem{Row: rows.Number(), Column: k.c.name + " (" + sheets.CellRef(k.idx, rows.Number()) + ")", Value: cell.Value, Why: err.Error()})
				continue
			}
			if status == "not submitted" && !a.Valid {
				a.Reason = "not submitted"
			}
			rec.col, rec.amount = k.c, a
			if len(problems) == 0 {
				if err := emit(rec); err != nil {
					return err
				}
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) > 0 {
		return &sources.ValidationError{File: file, Problems: problems}
	}
	if authorities == 0 {
		return fmt.Errorf("%s: no authority row (status submitted or not submitted with an ONS code): %w", file, sources.ErrEmptyRelease)
	}
	return nil
}

// tsMetaEntry is one described column of the time series.
type tsMetaEntry struct {
	sheet string
	row   int
	col   tsColumn
	desc  string
	line  string
}

// Header texts of the metadata workbook's column-name and description columns, matched exactly.
// The workbook's exact layout was not seen; these are the spellings a data dictionary uses, and a
// workbook without any of them fails naming the sheets and the texts looked for.
var (
	metaNameHeaders = []string{"Variable name", "Variable", "Column name", "Column", "Field name", "Field", "variable_name", "column_name", "Data item code", "Code"}
	metaDescHeaders = []string{"Description", "Variable description", "Column description", "Label", "Definition", "Data item", "Data item description", "description"}
)

// readTSMetadata reads the column dictionary: in the first sheet with a row naming a column-name
// and a description header, every row below whose column name parses as <FORM>_<asset>_<measure>.
func readTSMetadata(path, file string) ([]tsMetaEntry, error) {
	wb, err := sheets.Open(path)
	if err != nil {
		return nil, err
	}
	defer wb.Close()
	nameSet, descSet := textSet(metaNameHeaders), textSet(metaDescHeaders)
	var nearest []string
	for _, sheet := range wb.Sheets() {
		entries, found, near, err := readTSMetaSheet(wb, file, sheet, nameSet, descSet)
		if err != nil {
			return nil, err
		}
		if found {
			if len(entries) == 0 {
				return nil, &sources.LayoutError{File: file, Sheet: sheet, Expected: "RO5_<asset>_<measure> in the column-name column",
					Detail: "the dictionary describes no RO5, RS or RSX column"}
			}
			return entries, nil
		}
		nearest = append(nearest, near...)
	}
	return nil, &sources.LayoutError{File: file, Expected: metaNameHeaders[0] + " and " + metaDescHeaders[0],
		Nearest: sources.Nearest(metaNameHeaders[0], nearest, 3),
		Detail:  fmt.Sprintf("no sheet of %v has a row with a column-name header (one of %q) and a description header (one of %q)", wb.Sheets(), metaNameHeaders, metaDescHeaders)}
}

func textSet(xs []string) map[string]bool {
	m := map[string]bool{}
	for _, x := range xs {
		m[norm(x)] = true
	}
	return m
}

func readTSMetaSheet(wb sheets.Workbook, file, sheet string, nameSet, descSet map[string]bool) (entries []tsMetaEntry, found bool, near []string, err error) {
	rows, err := wb.Rows(sheet)
	if err != nil {
		return nil, false, nil, err
	}
	defer rows.Close()
	nameCol, descCol := -1, -1
	for i := 0; i < headScan && rows.Next(); i++ {
		nameCol, descCol = -1, -1
		for j, c := range rows.Row() {
			t := norm(c.Value)
			switch {
			case nameSet[t] && nameCol < 0:
				nameCol = j
			case descSet[t] && descCol < 0:
				descCol = j
			case t != "" && len(near) < 40:
				near = append(near, t)
			}
		}
		if nameCol >= 0 && descCol >= 0 {
			break
		}
	}
	if nameCol < 0 || descCol < 0 {
		return nil, false, near, rows.Err()
	}
	seen := map[string]bool{}
	for rows.Next() {
		r := rows.Row()
		name := tsHeaderText(cellText(r, nameCol))
		c, ok := parseTSColumn(name)
		if !ok || !tsForms[c.form] || seen[name] {
			continue
		}
		seen[name] = true
		desc := cellText(r, descCol)
		entries = append(entries, tsMetaEntry{sheet: sheet, row: rows.Number(), col: c, desc: desc, line: describeLine(c, desc)})
	}
	return entries, true, nil, rows.Err()
}

var tsOtherCatalogue = newCatalogue(TimeSeriesLines)

// measureWords are measure names as descriptions spell them, without the form's formulas.
var measureWords = []string{
	"net current expenditure", "total expenditure", "total income", "running expenses", "employees",
	"sales, fees and charges", "other income", "net expenditure", "net current expenditure (c7 = c3 - c6)",
}

// describeLine names the kept line a metadata description refers to: the description with its
// measure removed (at either end, after " - " or ": ") must be a kept line's spelling, exactly or
// as the ending of a longer path ("Cultural and related services - Culture and heritage -
// Archives"). RO5 columns are looked up among RO5 lines, RS and RSX columns among the summary
// lines. The documented asset ids fill what the description does not name.
func describeLine(c tsColumn, desc string) string {
	cat := ro5Catalogue
	if c.form != "RO5" {
		cat = tsOtherCatalogue
	}
	d := norm(desc)
	if svc, _, _, ok := flatMeasure(d); ok {
		d = svc
	}
	low := strings.ToLower(d)
	for _, m := range measureWords {
		for _, sep := range []string{" - ", ": ", ", "} {
			if strings.HasSuffix(low, sep+m) {
				d, low = d[:len(d)-len(sep+m)], low[:len(low)-len(sep+m)]
			}
			if strings.HasPrefix(low, m+sep) {
				d, low = d[len(m+sep):], low[len(m+sep):]
			}
		}
	}
	if k := cat.line(d); k != "" {
		return k
	}
	if k := cat.suffix(d); k != "" {
		return k
	}
	return knownAssets[c.form+"_"+c.asset]
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
