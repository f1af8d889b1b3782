package demo

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets/sheetwrite"
)

// The multi-year revenue outturn time series and the revenue account budgets.

// timeSeries writes the multi-year CSV (2017-18 to 2024-25) and its metadata workbook. Years with
// a workbook in the sample carry the same figures as its newest vintage.
func (g *generator) timeSeries(s *Sample) (GovukDocument, error) {
	all := append(RO5Services(false), ro5OpenSpacesSplit...)
	measures := []struct{ suffix, label string }{
		{"empl", "Employees"}, {"run_exp", "Running expenses"}, {"tot_exp", "Total expenditure"},
		{"sfc", "Sales, fees and charges"}, {"oth_inc", "Other income"}, {"tot_inc", "Total income"}, {"net_cur_exp", "Net current expenditure"},
	}
	header := []string{"year_ending", "ONS_code", "LA_name", "LA_class", "status"}
	type col struct {
		svc RO5Service
		m   int
	}
	var cols []col
	meta := [][]any{{"Revenue Outturn multi-year data set: metadata. " + Label}, nil, {"Variable name", "Description", "Form", "Unit"}}
	for _, id := range header {
		meta = append(meta, []any{id, "identity column", "", ""})
	}
	for _, sv := range all {
		for i, m := range measures {
			name := "RO5_" + sv.Asset + "_" + m.suffix
			header = append(header, name)
			cols = append(cols, col{sv, i})
			meta = append(meta, []any{name, "RO5 - " + sv.Prefixed + " - " + m.label, "RO5", "£ thousand"})
		}
	}
	header = append(header, "RSX_cul_net_cur_exp", "RS_cul_net_exp")
	meta = append(meta, []any{"RSX_cul_net_cur_exp", "RSX - Cultural and related services - Net current expenditure", "RSX", "£ thousand"},
		[]any{"RS_cul_net_exp", "RS - Cultural and related services - Net expenditure", "RS", "£ thousand"})
	var b bytes.Buffer
	b.WriteString("\ufeff")
	for i, h := range header {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + h + `"`)
	}
	b.WriteString("\r\n")
	from := g.seriesFrom
	if from == 0 {
		from = 2017
	}
	var years []string
	for y := from; y <= 2024; y++ {
		years = append(years, fmt.Sprintf("%d-%02d", y, (y+1)%100))
	}
	for _, fy := range years {
		y := ro5Year{fy: fy, split: fy >= "2024-25", revision: fy == "2023-24"}
		ye := fmt.Sprintf("%d03", fyStartYear(fy)+1)
		fmt.Fprintf(&b, "%s,E92000001,ENGLAND,England,total", ye)
		for range header[5:] {
			b.WriteString(",999999")
		}
		b.WriteString("\r\n")
		for _, a := range areasIn(g.areas, fy) {
			status := "submitted"
			if notSubmitted[fy+" "+a.Code] {
				status = "not submitted"
			}
			fmt.Fprintf(&b, "%s,%s,%s,%s,%s", ye, a.Code, csvField(a.Name), ro5Class(a, fy), status)
			vals := ro5Values(a, fy, y.split, y.revision)
			present := map[string]bool{}
			for _, sv := range RO5Services(y.split) {
				present[sv.Asset] = true
			}
			for _, c := range cols {
				key := c.svc.Key
				if key == "" {
					key = c.svc.Prefixed
				}
				b.WriteByte(',')
				if status != "submitted" || !present[c.svc.Asset] {
					continue
				}
				if m, ok := ro5Markers[fmt.Sprintf("%s %s %s %d", fy, a.Code, c.svc.Key, c.m)]; ok {
					if t, isText := m.(string); isText {
						b.WriteString(t)
					}
					continue // an error cell in the workbook is blank in the CSV
				}
				fmt.Fprintf(&b, "%g", vals[key][c.m])
			}
			if status == "submitted" {
				fmt.Fprintf(&b, ",%g,%g\r\n", vals["total_cultural"][6], vals["total_cultural"][6])
			} else {
				b.WriteString(",,\r\n")
			}
		}
	}
	metaBody, err := ODS(sheetwrite.Sheet{Name: "Metadata", Rows: meta})
	if err != nil {
		return GovukDocument{}, err
	}
	updated := time.Date(2025, 12, 9, 9, 30, 0, 0, time.UTC)
	page := revenueSlugPrefix + "revenue-outturn-multi-year-data-set"
	title := "Local authority revenue expenditure and financing England: revenue outturn multi-year data set"
	if err := s.AddGovukPage(page, title, updated, []GovukAttachment{
		{Title: "Revenue outturn time series data", File: "Revenue_Outturn_time_series_data_v3.1.csv", ContentType: ctCSV, Body: b.Bytes()},
		{Title: "Revenue outturn time series metadata", File: "Revenue_Outturn_metadata.ods", ContentType: ctODS, Body: metaBody},
	}); err != nil {
		return GovukDocument{}, err
	}
	return GovukDocument{BasePath: page, Title: title, Updated: updated}, nil
}

func csvField(s string) string {
	if strings.ContainsAny(s, ",\"\n") {
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	}
	return s
}

func fyStartYear(fy string) int {
	var y int
	fmt.Sscanf(fy[:4], "%d", &y)
	return y
}

// RALine is a line of the demo RA form.
type RALine struct {
	Section, Number, Asset, Title string
	// Lines are the RO5 line keys the RA line groups (nil for lines outside culture).
	Lines []string
}

// RALines are the demo RA form's columns: two education lines, then the cultural section.
var RALines = []RALine{
	{"Education services", "110", "eduprm", "Primary schools", nil},
	{"", "190", "edutot", "TOTAL EDUCATION SERVICES", nil},
	{"Cultural and related services", "500", "culhrtarc", "Archives", []string{"archives"}},
	{"", "501", "culhrtxarc", "Culture and heritage (excluding archives)", []string{"arts_development", "heritage", "museums_galleries", "theatres"}},
	{"", "502", "culsprlscom", "Recreation and sport", []string{"community_centres", "foreshore", "sports_development", "sports_facilities"}},
	{"", "503", "culpksopn", "Open spaces", []string{"parks_open_spaces", "allotments", "open_spaces"}},
	{"", "504", "cultrs", "Tourism", []string{"tourism"}},
	{"", "505", "cullib", "Library service", []string{"library"}},
	{"", "509", "cultot", "TOTAL CULTURAL AND RELATED SERVICES", []string{"total_cultural"}},
}

// RABook lays out an RA budget workbook: title rows, then rows 7-10 hold the asset ids, the
// section headings (over the first column of each section), the RA line numbers and the titles
// beside the identity headers; data from row 11.
func RABook(fy string, lines []RALine, rows [][]any) []sheetwrite.Sheet {
	ident := []any{"E-code", "ONS Code", "Local authority", "Class", "Subclass"}
	assets, sections, numbers, titles := make([]any, len(ident)), make([]any, len(ident)), make([]any, len(ident)), append([]any{}, ident...)
	for _, l := range lines {
		assets = append(assets, l.Asset)
		sections = append(sections, l.Section)
		numbers = append(numbers, l.Number)
		titles = append(titles, l.Title)
	}
	out := [][]any{{"Revenue account budget (RA) " + fy + ": data by local authority"}, {Label}, {"£ thousand"}, nil, nil, nil,
		assets, sections, numbers, titles}
	out = append(out, rows...)
	return []sheetwrite.Sheet{{Name: "Notes", Rows: [][]any{{"Notes. " + Label}}}, {Name: "RA_LA_Data_" + fy, Rows: out}}
}

// budgets writes RA Part 1 files for 2024-25 and 2025-26 (budgets a few per cent off the outturn).
func (g *generator) budgets(s *Sample) ([]GovukDocument, error) {
	var docs []GovukDocument
	for _, fy := range []string{"2024-25", "2025-26"} {
		var rows [][]any
		for _, a := range areasIn(g.areas, fy) {
			row := []any{ecodeOf(a), a.Code, a.Name, ro5Class(a, fy), ""}
			vals := ro5Values(a, "2024-25", true, false)
			for _, l := range RALines {
				if l.Lines == nil {
					row = append(row, math.Round(20000*(0.5+hash01(a.Code, fy, l.Asset))))
					continue
				}
				var v float64
				for _, k := range l.Lines {
					v += vals[k][6]
				}
				row = append(row, math.Round(v*(0.97+0.06*hash01(a.Code, fy, "ra", l.Asset))))
			}
			rows = append(rows, row)
		}
		body, err := ODS(RABook(fy, RALines, rows)...)
		if err != nil {
			return nil, err
		}
		yy := strings.Replace(fy, "-", " to 20", 1)
		updated := time.Date(fyStartYear(fy), 7, 10, 9, 30, 0, 0, time.UTC)
		page := revenueSlugPrefix + strings.ReplaceAll(yy, " ", "-") + "-budget-individual-local-authority-data"
		title := "Local authority revenue expenditure and financing England: " + yy + " budget individual local authority data"
		if err := s.AddGovukPage(page, title, updated, []GovukAttachment{
			{Title: "Revenue account budget (RA) " + yy + " part 1", File: "RA_" + fy + "_data_Part_1.ods", ContentType: ctODS, Body: body},
		}); err != nil {
			return nil, err
		}
		docs = append(docs, GovukDocument{BasePath: page, Title: title, Updated: updated})
	}
	return docs, nil
}
