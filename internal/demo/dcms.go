package demo

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math"
	"sort"
	"time"
)

// DCMS GOV.UK paths the dcms sources discover from.
const (
	MuseumVisitsPage        = "/government/statistical-data-sets/museums-and-galleries-monthly-visits"
	MuseumIndicatorsPage    = "/government/collections/museums-and-galleries-monthly-visits"
	ParticipationCollection = "/government/collections/participation-survey-statistical-releases"
)

// demoMuseum is a museum of the demo visits workbook: a group row and its sites, named as DCMS
// names them, placed (through queries/seeds/museum_sites.csv) in sample areas where the real
// museum is: Camden, Southwark, Manchester and Newcastle upon Tyne.
type demoMuseum struct {
	name, group string
	sites       []string
	archive     string   // the group's name in the archive sheets
	archSites   []string // the sites' archive names
	onlyArchive bool     // left DCMS sponsorship before 2019
	indicators  string   // the name in the annual performance indicators
}

var demoMuseums = []demoMuseum{
	{name: "British Museum", group: "British Museum", archive: "BRITISH MUSEUM", indicators: "British Museum"},
	{name: "Imperial War Museum (IWM) Total", group: "Imperial War Museum", sites: []string{"IWM London", "HMS Belfast (IWM)"},
		archive: "IMPERIAL WAR MUSEUM (IWM)", archSites: []string{"IWM LONDON", "HMS BELFAST (IWM)"}, indicators: "Imperial War Museums"},
	{name: "Science Museum Group (SMG) Total ", group: "Science Museum Group", sites: []string{"SMG Science and Industry Museum [note 3][note 6]"},
		archive: "SCIENCE MUSEUM GROUP (SMG) TOTAL", archSites: []string{"SMG SCIENCE AND INDUSTRY MUSEUM [note 6]"}, indicators: "Science Museum Group"},
	{name: "Sir John Soane's Museum [note 15]", group: "Sir John Soane's Museum", archive: "SIR JOHN SOANE'S MUSEUM", indicators: "Sir John Soane's Museum"},
	{name: "Tate Total", group: "Tate", sites: []string{"Tate Modern"}, archive: "TATE TOTAL", archSites: []string{"TATE MODERN"}, indicators: "Tate Gallery Group"},
	{name: "Tyne & Wear (T&W) Total", group: "Tyne & Wear Museums", onlyArchive: true, archive: "TYNE & WEAR (T&W) TOTAL [note 11]",
		archSites: []string{"T&W DISCOVERY", "T&W LAING", "T&W MONKWEARMOUT"}, indicators: "Tyne and Wear Museums [note 8]"},
}

// demoVisits is a deterministic synthetic monthly visit count.
func demoVisits(site string, month time.Time) float64 {
	base := 20000 + 400000*hash01("dcms-visits", site)
	season := 1 + 0.25*math.Sin(float64(month.Month())/12*2*math.Pi)
	return math.Round(base * season * (0.85 + 0.3*hash01("dcms-visits", site, month.Format("2006-01"))))
}

// museumRow is one row of the visits tables: a name and its visits per month.
type museumRow struct {
	name, group, coverage string
	parent                string
	visits                func(time.Time) (float64, bool) // false: not available
}

// visitRows lists the current (archive=false) or archive rows in table order: the DCMS total, then
// each group followed by its sites; group rows sum their sites, the total sums the groups.
func visitRows(archive bool) []museumRow {
	var groups []museumRow
	var rows []museumRow
	for _, m := range demoMuseums {
		if m.onlyArchive && !archive {
			continue
		}
		sites := m.sites
		if archive {
			sites = m.archSites
		}
		gname := m.name
		if archive {
			gname = m.archive
		}
		// A museum whose group has no site rows is counted under its own name.
		parts := sites
		if len(parts) == 0 {
			parts = []string{m.name}
		}
		siteFn := func(i int) func(time.Time) (float64, bool) {
			key := parts[i]
			return func(t time.Time) (float64, bool) { return demoVisits(key, t), true }
		}
		g := museumRow{name: gname, group: m.group, coverage: "Museum group", visits: func(t time.Time) (float64, bool) {
			var sum float64
			for i := range parts {
				v, _ := siteFn(i)(t)
				sum += v
			}
			return sum, true
		}}
		groups = append(groups, g)
		rows = append(rows, g)
		for i, s := range sites {
			rows = append(rows, museumRow{name: s, group: m.group, coverage: "Museum site", parent: gname, visits: siteFn(i)})
		}
	}
	total := museumRow{name: "DCMS Total", group: "DCMS Total", coverage: "All DCMS-sponsored museums", visits: func(t time.Time) (float64, bool) {
		var sum float64
		for _, g := range groups {
			v, _ := g.visits(t)
			sum += v
		}
		return sum, true
	}}
	return append([]museumRow{total}, rows...)
}

func (g *generator) dcms(s *Sample) error {
	if err := g.dcmsVisits(s); err != nil {
		return err
	}
	if err := g.dcmsIndicators(s); err != nil {
		return err
	}
	return g.dcmsParticipation(s)
}

// dcmsVisits writes the monthly visits workbook in the layout of the real one (to June 2025):
// Cover_sheet, Contents, Notes, 1a, 1b and the 2a, 2b archive, on the data set page.
func (g *generator) dcmsVisits(s *Sample) error {
	first, last := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	var months []time.Time
	for m := first; !m.After(last); m = m.AddDate(0, 1, 0) {
		months = append(months, m)
	}
	cur := visitRows(false)
	// 1a: one column per month. The DCMS total's January 2025 column was corrected ([r]).
	h1a := []any{"Museum Name ", "Museum Group", "Coverage"}
	for _, m := range months {
		label := m.Format("January 2006")
		if m.Equal(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)) {
			label += " [r]"
		}
		h1a = append(h1a, label)
	}
	h1a = append(h1a, "Notes")
	t1a := [][]any{
		{fmt.Sprintf("Table 1a: Museum and Galleries Monthly Visits: %s to %s [note 1]. %s", first.Format("January 2006"), last.Format("January 2006"), Label)},
		{"This worksheet contains one table. Some cells refer to notes which can be found in a table on the notes worksheet."},
		{"Colour is used for emphasis in this table. The note column explains what this refers to. "},
		h1a,
	}
	for i, r := range cur {
		row := []any{r.name, r.group, r.coverage}
		for j, m := range months {
			v, _ := r.visits(m)
			if i == 1 && j == 2 {
				row = append(row, fmt.Sprintf("%s [r]", thousands(v))) // a corrected cell, stored as text
				continue
			}
			row = append(row, v)
		}
		if i == 0 {
			row = append(row, "[note 2][This note applies to cells D5, E5.]")
		}
		t1a = append(t1a, row)
	}
	// 1b: calendar quarters labelled with financial-year quarter numbers.
	h1b := []any{"Museum Name ", "Museum Group", "Coverage"}
	var quarters []time.Time
	for q := first; !q.After(last); q = q.AddDate(0, 3, 0) {
		quarters = append(quarters, q)
		end := q.AddDate(0, 2, 0)
		h1b = append(h1b, fmt.Sprintf("%s - %s %d (Q%d)", q.Format("January"), end.Format("January"), q.Year(), ((int(q.Month())+8)/3)%4+1))
	}
	h1b = append(h1b, "Notes")
	t1b := [][]any{
		{fmt.Sprintf("Table 1b: Museum and Galleries Quarterly Visits: %s to %s [note 1]. %s", first.Format("January 2006"), last.Format("January 2006"), Label)},
		{"This worksheet contains one table. Some cells refer to notes which can be found in a table on the notes worksheet."},
		{"Colour is used for emphasis in this table. The note column explains what this refers to. "},
		h1b,
	}
	for _, r := range cur {
		row := []any{r.name, r.group, r.coverage}
		for _, q := range quarters {
			var sum float64
			for k := 0; k < 3; k++ {
				v, _ := r.visits(q.AddDate(0, k, 0))
				sum += v
			}
			row = append(row, sum)
		}
		t1b = append(t1b, row)
	}
	// 2a, 2b: the archive, financial years 2016/2017 to 2018/2019, April 2016 to December 2018.
	arch := visitRows(true)
	archEnd := time.Date(2018, 12, 1, 0, 0, 0, 0, time.UTC)
	fys := []int{2016, 2017, 2018}
	hArch := []any{"Museum Name ", "Coverage", "Month"}
	for _, y := range fys {
		hArch = append(hArch, fmt.Sprintf("%d/%d", y, y+1))
	}
	value := func(r museumRow, t time.Time) any {
		if t.After(archEnd) {
			return "x"
		}
		v, _ := r.visits(t)
		return v
	}
	t2a := [][]any{
		{"Table 2a: Museums and Galleries Monthly Visits (archive): April 2016 to December 2018. " + Label},
		{"This worksheet contains one table. Some cells refer to notes which can be found in a table on the notes worksheet."},
		{"Some shorthand is used in this table, x = data not available."},
		hArch,
	}
	t2b := [][]any{t2a[0], t2a[1], t2a[2], hArch}
	t2b[0] = []any{"Table 2b: Museums and Galleries Quarterly Visits (archive): April 2016 to December 2018. " + Label}
	fyMonths := []time.Month{time.April, time.May, time.June, time.July, time.August, time.September, time.October, time.November, time.December, time.January, time.February, time.March}
	at := func(y int, m time.Month) time.Time {
		if m < time.April {
			y++
		}
		return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	}
	for _, r := range arch {
		for _, m := range fyMonths {
			row := []any{r.name, r.coverage, m.String()}
			for _, y := range fys {
				row = append(row, value(r, at(y, m)))
			}
			t2a = append(t2a, row)
		}
		running := []any{r.name, r.coverage, "Financial Year Running Total"}
		for _, y := range fys {
			var sum float64
			for _, m := range fyMonths {
				if v, ok := value(r, at(y, m)).(float64); ok {
					sum += v
				}
			}
			running = append(running, sum)
		}
		t2a = append(t2a, running)
		for qi, q := range []string{"Apr-June (Q1)", "July-Sept (Q2)", "Oct-Dec (Q3)", "Jan-March (Q4)"} {
			row := []any{r.name, r.coverage, q}
			for _, y := range fys {
				var sum float64
				avail := true
				for k := 0; k < 3; k++ {
					v, ok := value(r, at(y, fyMonths[qi*3+k])).(float64)
					avail = avail && ok
					sum += v
				}
				if avail {
					row = append(row, sum)
				} else {
					row = append(row, "x")
				}
			}
			t2b = append(t2b, row)
		}
		t2b = append(t2b, running)
	}
	notes := [][]any{{"Notes related to the data in this spreadsheet"}, {"This worksheet contains one table"}, {"Note number ", "Note text "}}
	for i, n := range []string{"Caution is advised when comparing figures for 2019/2020 to 2021/2022 (Covid-19).",
		"Visitor figures can be subject to change, leading to revisions.", "Some parts of some museums were partially closed.",
		"The Museum of the Home closed on 7 January 2018.", "SMG National Media Museum was renamed to SMG National Science and Media Museum on 23 March 2017.",
		"The Museum of Science and Industry has been aggregated under the Science Museum Group since 2011/2012.",
		"Visit figures for the National Coal Mining Museum for England are added to the DCMS total separately.",
		"The National Portrait Gallery closed on 29 June 2020.", "The Museum of Childhood was renamed to Young V&A.",
		"The V&A Theatre Museum closed in September 2007.", "As of April 2015, Tyne and Wear Museums are no longer sponsored by DCMS.",
		"Since April 2008, sponsorship for the Museum of London falls under the Greater London Authority.",
		"The National Science and Media Museum was closed from June 2023.", "The Tate Liverpool has been closed since October 2023.",
		"Sir John Soane's Museum is closed for one week every January."} {
		notes = append(notes, []any{i + 1, n})
	}
	body, err := ODS(
		sheet{Name: "Cover_sheet", Rows: [][]any{{"DCMS-sponsored museums and galleries monthly visits"}, {Label}, {"Some shorthand is used in this publication,  x = data not available."}}},
		sheet{Name: "Contents", Rows: [][]any{{"Table of Contents"}, {"Table number", "Table title"}, {"1a", "Monthly visits"}, {"1b", "Quarterly visits"}, {"2a", "Monthly visits (archive)"}, {"2b", "Quarterly visits (archive)"}}},
		sheet{Name: "Notes", Rows: notes},
		sheet{Name: "1a", Rows: t1a}, sheet{Name: "1b", Rows: t1b}, sheet{Name: "2a", Rows: t2a}, sheet{Name: "2b", Rows: t2b},
	)
	if err != nil {
		return err
	}
	published := time.Date(2025, 8, 14, 9, 30, 0, 0, time.UTC)
	return s.AddGovukPage(MuseumVisitsPage, "Museums and galleries monthly visits", published, []GovukAttachment{{
		Title:       "Monthly and quarterly visits to DCMS-sponsored museums and galleries: to June 2025 data tables",
		File:        "Monthly_and_Quarterly_Visits_to_DCMS-Sponsored_Museums_and_Galleries_-_to_June_2025_data_tables.ods",
		ContentType: ctODS, Body: body,
	}})
}

// MuseumVisitsExport returns what an analyst makes of table 1a when saving it as CSV from a later
// release than the demo workbook (to June 2025): the name, "DCMS_museum_visits_table_1a_Jan2023-"
// and the last month covered ("Sep2025"), and the bytes: a UTF-8 byte order mark, the header row
// without the title rows above it (the trailing space of "Museum Name " kept), figures with
// thousands separators, and DCMS's Notes column as an older release words it ("[Note 2] The cells
// D5 & E5 are revised figures.", naming cells of the workbook, whose rows sit three lower).
func MuseumVisitsExport(through time.Time) (name string, body []byte, err error) {
	first := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	head := []string{"Museum Name ", "Museum Group", "Coverage"}
	var months []time.Time
	for m := first; !m.After(through); m = m.AddDate(0, 1, 0) {
		months = append(months, m)
		head = append(head, m.Format("January 2006"))
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	if err := w.Write(append(head, "Notes")); err != nil {
		return "", nil, err
	}
	for i, r := range visitRows(false) {
		row := []string{r.name, r.group, r.coverage}
		for _, m := range months {
			v, _ := r.visits(m)
			row = append(row, thousands(v))
		}
		note := ""
		if i == 0 {
			note = "[Note 2] The cells D5 & E5 are revised figures."
		}
		if err := w.Write(append(row, note)); err != nil {
			return "", nil, err
		}
	}
	w.Flush()
	name = "DCMS_museum_visits_table_1a_" + first.Format("Jan2006") + "-" + through.Format("Jan2006") + ".csv"
	return name, buf.Bytes(), w.Error()
}

// thousands formats a whole number with thousands separators, as DCMS stores revised cells.
func thousands(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	var out []byte
	for i := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	return string(out)
}

// demoIndicator is one table of the annual performance indicators.
type demoIndicator struct {
	title string
	scale float64 // of the museum's visits
	prop  bool
}

var demoIndicators = []demoIndicator{
	{"Table 1: Total annual visitor figures to the DCMS-sponsored museum and galleries, split by museum 2019/20 - 2023/24 [note 1]", 1, false},
	{"Table 2: Total visitor figures to the DCMS-sponsored museum and galleries 2019/20 - 2023/24 [note 1]", 1, false},
	{"Table 3: Under 16 visitor figures, split by museum 2019/20 - 2023/24 [note 1]", 0.15, false},
	{"Table 4: Overseas visitor figures, split by museum 2019/20 - 2023/24 [note 1][note 12]", 0.4, false},
	{"Table 5: Number of unique website visits, split by museum 2019/20 - 2023/24 [note 1][note 13]", 3, false},
	{"Table 6: Proportion of visitors who would recommend a visit, split by museum 2019/20 - 2023/24 [note 1]", 0, true},
	{"Table 7: Facilitated and self-directed visits by visitors under 18 years old and in formal education, split by museum 2019/20 - 2023/24 [note 1]", 0.03, false},
	{"Table 8: The number of instances where visitors under 18 years old have participated in on-site activities, split by museum 2019/20 - 2023/24 [note 1].", 0.02, false},
	{"Table 9: Number of UK loan venues, split by museum 2019/20 - 2023/24 [note 1]", 0.00004, false},
	{"Table 10: Self-generated income: Admissions, split by museum 2019/20 - 2023/24 (£) [note 1]", 1.5, false},
	{"Table 11: Self-generated income: Trading income (net profit), split by museum 2019/20 - 2023/24 (£) [note 1]", 0.8, false},
	{"Table 12: Self-generated income: Fundraising, split by museum 2019/20 - 2023/24 (£) [note 1]", 2.5, false},
}

// dcmsIndicators writes the annual performance indicators 2023/24 workbook (tables 1-12) on its
// release page, listed in the DCMS-sponsored museums and galleries statistics collection.
func (g *generator) dcmsIndicators(s *Sample) error {
	years := []string{"2019/20 ", "2020/21 [b]", "2021/22", "2022/23", "2023/24"}
	sheets := []sheet{
		{Name: "Cover_sheet", Rows: [][]any{{"DCMS-Sponsored Museums and Galleries Annual Performance Indicators 2023/24"}, {Label}}},
		{Name: "Contents", Rows: [][]any{{"Table of Contents"}, {"Table number", "Table title"}}},
		{Name: "Notes", Rows: [][]any{{"Notes related to the data in this spreadsheet"}, {"Note number", "Note text"}, {"note 1", "Caution is advised when comparing 2020/21 and 2021/22 (Covid-19)."}, {"note 2", "Some museums and galleries have made revisions to their data published for previous years"}}},
	}
	annual := func(name string, y int, d demoIndicator) any {
		if d.prop {
			return math.Round((0.85+0.14*hash01("dcms-pi", name, fmt.Sprint(y)))*100) / 100
		}
		v := 12 * (200000 + 4000000*hash01("dcms-pi-visits", name)) * (0.8 + 0.4*hash01("dcms-pi", name, fmt.Sprint(y)))
		if y == 2020 {
			v *= 0.08
		}
		return math.Round(v * d.scale)
	}
	for i, d := range demoIndicators {
		id := fmt.Sprint(i + 1)
		sheets[1].Rows = append(sheets[1].Rows, []any{i + 1, d.title})
		rows := [][]any{{d.title}, {"This worksheet contains one table. Some cells refer to notes which can be found in a table on the notes worksheet."},
			{"Colour is used for emphasis in this table. The note column explains what this refers to. "},
			{"Some shorthand is used in this table, x = data not published, b = break in series."}}
		if id == "2" {
			rows = append(rows, []any{"Financial Year", "Total annual visits", "Notes"})
			for k, y := range years {
				var sum float64
				for _, m := range demoMuseums {
					if !m.onlyArchive {
						v, _ := annual(m.indicators, 2019+k, demoIndicators[0]).(float64)
						sum += v
					}
				}
				row := []any{y, math.Round(sum/1000) * 1000}
				if k == 3 {
					row = append(row, fmt.Sprintf("[note 2] The cell B%d is a revised figure.", len(rows)+1))
				}
				rows = append(rows, row)
			}
			sheets = append(sheets, sheet{Name: id, Rows: rows})
			continue
		}
		header := []any{"Name of museum or gallery"}
		for _, y := range years {
			header = append(header, y)
		}
		rows = append(rows, append(header, "Notes"))
		totals := make([]float64, len(years))
		for _, m := range demoMuseums {
			row := []any{m.indicators}
			for k := range years {
				if m.onlyArchive {
					row = append(row, "x")
					continue
				}
				v := annual(m.indicators, 2019+k, d)
				if f, ok := v.(float64); ok {
					totals[k] += f
				}
				row = append(row, v)
			}
			if m.indicators == "British Museum" {
				row = append(row, fmt.Sprintf("[note 2] The cell F%d is a revised figure.", len(rows)+1))
			}
			rows = append(rows, row)
		}
		if !d.prop {
			row := []any{"Total [note 11]"}
			for _, t := range totals {
				row = append(row, math.Round(t/1000)*1000)
			}
			rows = append(rows, row)
		}
		sheets = append(sheets, sheet{Name: id, Rows: rows})
	}
	body, err := ODS(sheets...)
	if err != nil {
		return err
	}
	published := time.Date(2025, 7, 17, 9, 30, 0, 0, time.UTC)
	page := "/government/statistics/dcms-sponsored-museums-and-galleries-annual-performance-indicators-202324"
	title := "DCMS-sponsored museums and galleries annual performance indicators 2023/24"
	if err := s.AddGovukPage(page, title, published, []GovukAttachment{{
		Title: "DCMS-sponsored museums and galleries annual performance indicators 2023/24: tables",
		File:  "DCMS_sponsored_museums_and_galleries_annual_performance_indicators_2023_24_tables.ods", ContentType: ctODS, Body: body,
	}}); err != nil {
		return err
	}
	return s.AddGovukCollection(MuseumIndicatorsPage, "DCMS-sponsored museums and galleries statistics", []GovukDocument{{BasePath: page, Title: title, Updated: published}})
}

// demoQuestions are the local-authority tables of the demo Participation Survey workbook.
var demoQuestions = []struct{ table, title, question string }{
	{"A3", "Table A3: Adult engagement with the arts in person in the last 12 months, by local authority, April 2023 to March 2024",
		"Engaged with the arts physically (attended an event or participated in an activity in person) in the last 12 months [Note 2]"},
	{"C3", "Table C3: Adult engagement with public library services in the last 12 months, by local authority, April 2023 to March 2024",
		"Engaged with public library services (physically or digitally) in the last 12 months"},
	{"D3", "Table D3: Adult engagement with heritage in person in the last 12 months, by local authority, April 2023 to March 2024",
		"Visited a heritage site in person in the last 12 months"},
	{"E3", "Table E3: Adult engagement with museums and galleries in the last 12 months, by local authority, April 2023 to March 2024",
		"Visited a museum or gallery in person in the last 12 months"},
}

// dcmsParticipation writes the 2023-24 annual publication's data tables: a national table
// (Table_A1, which the reader leaves alone) and local-authority tables for every sample district
// that existed in April 2023, on LAD23 codes.
func (g *generator) dcmsParticipation(s *Sample) error {
	var lads []Area
	for _, a := range g.areas {
		if a.Type != "CTY" && a.exists("2023-04-01") {
			lads = append(lads, a)
		}
	}
	sort.Slice(lads, func(i, j int) bool { return lads[i].Code < lads[j].Code })
	const y = "2023/24"
	header := []any{"Question", "LAD23 code", "ITL1 name", "Response Breakdown ", "Percentage of respondents " + y,
		"Percentage of respondents " + y + " Lower estimate", "Percentage of respondents " + y + " Upper estimate",
		y + " No. of respondents", y + " Base"}
	sheets := []sheet{
		{Name: "Cover", Rows: [][]any{{"Participation Survey 2023-24 annual publication: data tables"}, {Label}}},
		{Name: "Table_A1", Rows: [][]any{{"Table A1: Adult engagement with the arts, England, April 2023 to March 2024"}, {Label}, {"Percentages are rounded."}, {"Source: Participation Survey"},
			{"Question", "Response Breakdown ", "Percentage of respondents " + y, "Percentage of respondents " + y + " Lower estimate", "Percentage of respondents " + y + " Upper estimate", y + " No. of respondents", y + " Base"},
			{"Engaged with the arts physically in the last 12 months", "Any event or activity", 90, 89.8, 90.2, 157205, 171748}}},
	}
	for _, q := range demoQuestions {
		rows := [][]any{{q.title}, {"This worksheet contains one table. " + Label}, {"Estimates for small bases are less precise: see the lower and upper estimates."}, {"Source: Participation Survey, April 2023 to March 2024"}, header}
		for i, a := range lads {
			base := 300 + int(900*hash01("dcms-ps-base", a.Code, q.table))
			pct := math.Round((35+55*hash01("dcms-ps", a.Code, q.table))*10) / 10
			half := math.Round(19.6*math.Sqrt(pct*(100-pct)/float64(base))) / 10
			question := ""
			if i == 0 {
				question = q.question
			}
			rows = append(rows, []any{question, a.Code, a.Region, a.Name, pct, math.Round((pct-half)*10) / 10, math.Round((pct+half)*10) / 10,
				int(math.Round(pct / 100 * float64(base))), base})
		}
		sheets = append(sheets, sheet{Name: "Table_" + q.table, Rows: rows})
	}
	body, err := ODS(sheets...)
	if err != nil {
		return err
	}
	published := time.Date(2024, 10, 24, 9, 30, 0, 0, time.UTC)
	page := "/government/statistics/participation-survey-2023-24-annual-publication"
	title := "Participation Survey 2023-24 annual publication"
	if err := s.AddGovukPage(page, title, published, []GovukAttachment{{
		Title: "Participation Survey 2023-24 annual data tables", File: "Final_Revised_DCMS_Participation_Survey_annual_23-24_data_tables__Oct_2024_.ods",
		ContentType: ctODS, Body: body,
	}}); err != nil {
		return err
	}
	return s.AddGovukCollection(ParticipationCollection, "Participation Survey statistical releases", []GovukDocument{{BasePath: page, Title: title, Updated: published}})
}
