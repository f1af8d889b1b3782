package site

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/cornerstone-data/cornerstone/reports/charts"
)

// Table is one table shown on a page. Every table is also written as downloads/<ID>.csv and
// downloads/<ID>.xlsx holding the same rows, with numbers at full precision.
type Table struct {
	// ID is stable across builds and safe as a file name.
	ID      string
	Caption string
	Columns []Column
	Rows    [][]Cell
	// Citation names the sources of the numbers (charts.Citation.String form).
	Citation string
	// Notes are caveats printed under the table.
	Notes []string
}

// Column is one table column; Num columns are right-aligned and written as numbers.
type Column struct {
	Name string
	Num  bool
	// Unit formats Num cells for display ("£", "%", "people", "£ per head").
	Unit string
}

// Cell is one value: Text for text columns, Value for Num columns (NaN when missing). Href makes
// the displayed text a link (relative to the page).
type Cell struct {
	Text  string
	Value float64
	Href  string
}

// T is a text cell.
func T(s string) Cell { return Cell{Text: s, Value: math.NaN()} }

// N is a number cell.
func N(v float64) Cell { return Cell{Value: v} }

// L is a text cell linking to href.
func L(s, href string) Cell { return Cell{Text: s, Href: href, Value: math.NaN()} }

// display renders the cell for the HTML table.
func (t *Table) display(col int, c Cell) string {
	if col < len(t.Columns) && t.Columns[col].Num {
		return charts.FormatValue(c.Value, t.Columns[col].Unit)
	}
	return c.Text
}

// raw renders the cell for CSV: numbers at full precision, text neutralised against formula
// injection.
func (t *Table) raw(col int, c Cell) string {
	if col < len(t.Columns) && t.Columns[col].Num {
		if math.IsNaN(c.Value) {
			return ""
		}
		return strconv.FormatFloat(c.Value, 'f', -1, 64)
	}
	return charts.Neutralise(c.Text)
}

// CSV returns the table as CSV with a trailing source column.
func (t *Table) CSV(demo bool) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	head := make([]string, 0, len(t.Columns)+1)
	for _, c := range t.Columns {
		head = append(head, charts.Neutralise(c.Name))
	}
	_ = w.Write(append(head, "source"))
	cite := t.Citation
	if demo {
		cite = charts.Label + ". " + cite
	}
	for _, r := range t.Rows {
		rec := make([]string, 0, len(r)+1)
		for i, c := range r {
			rec = append(rec, t.raw(i, c))
		}
		_ = w.Write(append(rec, charts.Neutralise(cite)))
	}
	w.Flush()
	return buf.Bytes()
}

// XLSX returns the table as a workbook: sheet "data" with the rows, sheet "about" with the caption,
// citation, build and notes. Text cells are neutralised against formula injection; the workbook
// carries fixed document dates so the same table gives the same bytes.
func (t *Table) XLSX(demo bool, buildID string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetZipWriter(newXLSXZip)
	if err := f.SetSheetName("Sheet1", "data"); err != nil {
		return nil, err
	}
	head := make([]any, 0, len(t.Columns))
	for _, c := range t.Columns {
		head = append(head, charts.Neutralise(c.Name))
	}
	if err := f.SetSheetRow("data", "A1", &head); err != nil {
		return nil, err
	}
	for i, r := range t.Rows {
		row := make([]any, 0, len(r))
		for j, c := range r {
			switch {
			case j < len(t.Columns) && t.Columns[j].Num && math.IsNaN(c.Value):
				row = append(row, nil)
			case j < len(t.Columns) && t.Columns[j].Num:
				row = append(row, c.Value)
			default:
				row = append(row, charts.Neutralise(c.Text))
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow("data", cell, &row); err != nil {
			return nil, err
		}
	}
	if _, err := f.NewSheet("about"); err != nil {
		return nil, err
	}
	about := [][]any{{"table", t.ID}, {"caption", charts.Neutralise(t.Caption)}, {"source", charts.Neutralise(t.Citation)}, {"cornerstone build", buildID}}
	if demo {
		about = append([][]any{{"warning", charts.Label + ": not real statistics"}}, about...)
	}
	for _, n := range t.Notes {
		about = append(about, []any{"note", charts.Neutralise(n)})
	}
	for i, r := range about {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("about", cell, &r); err != nil {
			return nil, err
		}
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: t.Caption, Creator: "Cornerstone", Description: "Cornerstone build " + buildID,
		Created: "2000-01-01T00:00:00Z", Modified: "2000-01-01T00:00:00Z"}); err != nil {
		return nil, err
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// table writes t's downloads and returns its view for a page at depth root.
func (s *Site) table(t *Table, root string) (tableView, error) {
	if !idRe.MatchString(t.ID) {
		return tableView{}, fmt.Errorf("table id %q is not a safe file name", t.ID)
	}
	s.mu.Lock()
	dup := s.tableIDs[t.ID]
	s.tableIDs[t.ID] = true
	s.mu.Unlock()
	if dup {
		return tableView{}, fmt.Errorf("table id %q used twice", t.ID)
	}
	x, err := t.XLSX(s.demo, s.buildID)
	if err != nil {
		return tableView{}, fmt.Errorf("writing table %s as XLSX: %w", t.ID, err)
	}
	if err := s.out.WriteFile("downloads/"+t.ID+".csv", t.CSV(s.demo)); err != nil {
		return tableView{}, err
	}
	if err := s.out.WriteFile("downloads/"+t.ID+".xlsx", x); err != nil {
		return tableView{}, err
	}
	s.mu.Lock()
	s.tables++
	s.mu.Unlock()
	v := tableView{ID: t.ID, Root: root, Caption: t.Caption, Citation: t.Citation, Notes: t.Notes, Demo: s.demo}
	for _, c := range t.Columns {
		v.Head = append(v.Head, headView{Name: c.Name, Num: c.Num})
	}
	for _, r := range t.Rows {
		var rv []cellView
		for i, c := range r {
			rv = append(rv, cellView{Text: t.display(i, c), Href: c.Href, Num: i < len(t.Columns) && t.Columns[i].Num, RowHead: i == 0})
		}
		v.Rows = append(v.Rows, rv)
	}
	return v, nil
}

type tableView struct {
	ID, Root, Caption, Citation string
	Notes                       []string
	Demo                        bool
	Head                        []headView
	Rows                        [][]cellView
}

type headView struct {
	Name string
	Num  bool
}

type cellView struct {
	Text, Href   string
	Num, RowHead bool
}
