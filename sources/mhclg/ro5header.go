package mhclg

import (
	"fmt"
	"strings"

	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/sources"
)

// Finding and reading an RO5 table's header: the identity columns, the service label rows and the measure columns.

// bufferedRow is a copied row.
type bufferedRow struct {
	num   int
	cells []sheets.Cell
}

func texts(r []sheets.Cell) []string {
	out := make([]string, len(r))
	for i, c := range r {
		out[i] = norm(c.Value)
	}
	return out
}

// readRO5Header reads the top of a sheet and parses its header; it returns nil when the sheet
// has no identity row (a notes or cover sheet).
func readRO5Header(wb sheets.Workbook, file, sheet string) (*ro5Table, error) {
	rows, err := wb.Rows(sheet)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var buf []bufferedRow
	idRow := -1
	for len(buf) < headScan && rows.Next() {
		buf = append(buf, bufferedRow{rows.Number(), append([]sheets.Cell(nil), rows.Row()...)})
		if idRow < 0 && isIdentityRow(buf[len(buf)-1].cells) {
			idRow = len(buf) - 1
		}
		if idRow >= 0 && len(buf) > idRow+4 {
			break
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if idRow < 0 {
		return nil, nil
	}
	return parseRO5Header(file, sheet, buf, idRow)
}

func isIdentityRow(r []sheets.Cell) bool {
	var e, la bool
	for _, c := range r {
		switch identityByText[norm(c.Value)] {
		case "E-code":
			e = true
		case "Local authority":
			la = true
		}
	}
	return e && la
}

func countMeasures(r []sheets.Cell) (exact, flat int) {
	for _, c := range r {
		t := norm(c.Value)
		if t == "" {
			continue
		}
		if _, ok := measureByText[t]; ok {
			exact++
		} else if _, _, _, ok := flatMeasure(t); ok {
			flat++
		}
	}
	return exact, flat
}

func parseRO5Header(file, sheet string, buf []bufferedRow, idRow int) (*ro5Table, error) {
	t := &ro5Table{sheet: sheet, identity: map[string]int{}}
	for i := 0; i < idRow; i++ {
		if s := strings.Join(texts(buf[i].cells), " "); strings.TrimSpace(s) != "" {
			t.titles = append(t.titles, s)
		}
	}
	lastID := -1
	for i, c := range buf[idRow].cells {
		if k, ok := identityByText[norm(c.Value)]; ok {
			if _, dup := t.identity[k]; !dup {
				t.identity[k] = i
			}
			lastID = max(lastID, i)
		}
	}
	isID := func(i int) bool {
		for _, j := range t.identity {
			if j == i {
				return true
			}
		}
		return false
	}
	exact, flat := countMeasures(buf[idRow].cells)
	switch {
	case flat > 0 && flat >= exact:
		t.layout = LayoutFlat
		t.dataFrom = buf[idRow].num
		for i, c := range buf[idRow].cells {
			h := norm(c.Value)
			if h == "" || isID(i) {
				continue
			}
			t.headers = append(t.headers, h)
			svc, meas, code, ok := flatMeasure(h)
			if !ok {
				continue // a column that is not a value (notes), or a renamed header: caught by check
			}
			t.cols = append(t.cols, ro5Col{idx: i, service: svc, measure: meas, code: code, line: ro5Catalogue.line(svc),
				header: h, serviceRow: buf[idRow].num, measureRo: buf[idRow].num})
		}
	default:
		// Two-level: the measure row is the identity row or one of the three rows below it; the
		// service row is the nearest row above the measure row that names a service.
		mRow, best := -1, 0
		for i := idRow; i < len(buf) && i <= idRow+3; i++ {
			if n, _ := countMeasures(buf[i].cells); n > best {
				mRow, best = i, n
			}
		}
		if mRow < 0 {
			return nil, &sources.LayoutError{File: file, Sheet: sheet, Expected: canonicalMeasure("C1"),
				Nearest: sources.Nearest(canonicalMeasure("C1"), nonEmpty(texts(buf[idRow].cells)), 3),
				Detail:  fmt.Sprintf("row %d has E-code and Local authority but no measure headers beside or below it", buf[idRow].num)}
		}
		sRow := -1
		for i := mRow - 1; i >= 0 && i >= mRow-8; i-- {
			if namesService(buf[i].cells, lastID) {
				sRow = i
				break
			}
		}
		if sRow < 0 {
			for i := mRow - 1; i >= 0 && i >= mRow-2; i-- {
				if len(nonEmpty(texts(cellsAfter(buf[i].cells, lastID)))) > 0 {
					sRow = i
					break
				}
			}
		}
		if sRow < 0 {
			return nil, &sources.LayoutError{File: file, Sheet: sheet, Expected: "a row of service names above the measure row",
				Detail: fmt.Sprintf("measure row %d has no service row above it", buf[mRow].num)}
		}
		t.layout = LayoutTwoLevel
		t.dataFrom = buf[mRow].num
		svcCells := buf[sRow].cells
		cur := ""
		for i, c := range buf[mRow].cells {
			if i < len(svcCells) && i > lastID {
				if s := norm(svcCells[i].Value); s != "" {
					cur = s
				}
			}
			m := norm(c.Value)
			if m == "" || isID(i) {
				continue
			}
			code, ok := measureByText[m]
			if cur == "" {
				if ok {
					return nil, &sources.LayoutError{File: file, Sheet: sheet, Expected: "a service name above " + sheets.CellRef(i, buf[mRow].num),
						Detail: fmt.Sprintf("measure %q has no service in row %d", m, buf[sRow].num)}
				}
				continue
			}
			h := cur + " / " + m
			t.headers = append(t.headers, h)
			if !ok {
				continue
			}
			t.cols = append(t.cols, ro5Col{idx: i, service: cur, measure: m, code: code, line: ro5Catalogue.line(cur),
				header: h, serviceRow: buf[sRow].num, measureRo: buf[mRow].num})
		}
	}
	// A kept line may appear once per measure.
	seen := map[string]int{}
	for _, c := range t.cols {
		if c.line == "" {
			continue
		}
		k := c.line + "|" + c.code
		if prev, dup := seen[k]; dup {
			return nil, &sources.LayoutError{File: file, Sheet: sheet, Expected: c.header + " once",
				Nearest: []string{c.header}, Detail: fmt.Sprintf("found in columns %s and %s", sheets.CellRef(prev, 0), sheets.CellRef(c.idx, 0))}
		}
		seen[k] = c.idx
	}
	return t, nil
}

func cellsAfter(r []sheets.Cell, i int) []sheets.Cell {
	if i+1 >= len(r) {
		return nil
	}
	return r[i+1:]
}

func namesService(r []sheets.Cell, lastID int) bool {
	for _, c := range cellsAfter(r, lastID) {
		if ro5Catalogue.line(c.Value) != "" {
			return true
		}
	}
	return false
}

func nonEmpty(xs []string) []string {
	var out []string
	for _, x := range xs {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}
