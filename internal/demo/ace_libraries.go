package demo

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"html"
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// ACE library pages and files, at the shapes of artscouncil.org.uk (the file paths follow its
// /sites/default/files/YYYY-MM/<name> uploads).
const (
	ACELibrariesPage     = "https://www.artscouncil.org.uk/supporting-arts-museums-and-libraries/supporting-libraries"
	ACELibrariesDataPage = ACELibrariesPage + "/libraries-data"
	aceActivityFile      = "Libraries Activity Data 2023-24 FINAL.xlsx"
	aceLocationsFile     = "basic-dataset-for-libraries-2023-enhanced.csv"
)

// libraryActivityMonths are the month labels of the 2023-24 workbook, April first.
var libraryActivityMonths = []string{"April", "May", "June", "July", "August", "Sept", "Oct", "Nov", "Dec", "Jan", "Feb", "March"}

// Text columns of the Libraries Activity Data workbook.
const (
	activityEbookText  = "Ebook & Eaudio Data Collection"
	activityMobileText = "Please Tell Us Why You Have No Data To Enter Here Eg You Do Not Have A Mobile Library Service"
	activityWifiText   = "Please Tell Us Why You Have No Data To Enter Here Eg You Do Not Collate Data For Wifi"
)

// LibraryActivityHeaders returns the 504 column headers of ACE's Libraries Activity Data workbook
// in the 2023-24 layout, in published order, for the financial year starting in April fyStart.
func LibraryActivityHeaders(fyStart int) []string {
	h := []string{"Library Details", "Library Authority (Upper Tier Local Authority)", "Total Active Members",
		"Active Members - Children (≤11)", "Active Members - Adults (18+)", "Active Members - Teens (12-17)"}
	months := func(label, suffix string) {
		for i, m := range libraryActivityMonths {
			y := fyStart
			if i >= 9 {
				y++
			}
			h = append(h, fmt.Sprintf("%s - %s %d%s", label, m, y, suffix))
		}
	}
	for _, l := range []string{
		"Total Number Of Physical Events", "Physical Events Adults Age 18", "Physical Events Children 11 And Under",
		"Physical Events Young People Between 12 And 17", "Physical Events All Age Groups",
		"Total Number Of Digital Events", "Digital Events Adults Age 18", "Digital Events Children 11 And Under",
		"Digital Events Young People Between 12 And 17", "Digital Events All Age Groups",
		"Total Attendees At Physical Events", "Physical Attendees Adults", "Physical Attendees Children 11 And Under",
		"Physical Attendees Young People Between 12 And 17", "Total Attendees At Digital Events", "Digital Attendees Adults",
		"Digital Attendees Children 11 And Under", "Digital Attendees Young People Between 12 And 17",
		"Total Number Of Physical Book Issues", "Loans And Lending Adult 18", "Loans And Lending Children Under 12",
		"Loans And Lending Young People Under 12 17", "Total Number Of Physical Audio Book Issues",
	} {
		months(l, "")
	}
	for _, l := range []string{"Loans And Lending Adult 18", "Loans And Lending Children Under 12", "Loans And Lending Young People Under 12 17"} {
		months(l, "_digital")
	}
	h = append(h, activityEbookText)
	for _, l := range []string{
		"Total Number Of Ebooks Issues", "Ebooks Adult 18", "Ebooks Children Under 12", "Ebooks Young People Under 12 17",
		"Total Number Of Digital Audio Book Issues", "Digital Audio Book Issues Adult 18", "Digital Audio Book Issues Children Under 12",
		"Digital Audio Book Issues Young People Under 12 17",
		"Physical Visitors To Library Sites Where There Is No Co Location", "Physical Visitors Co Location",
		"Click And Collect", "Mobile Libraries", "Home Delivery",
	} {
		months(l, "")
	}
	h = append(h, activityMobileText)
	months("Number Of Hours Physical Public Pcs Library Issues Devices", "")
	months("Number Of Sessions Of Wifi Access", "")
	return append(h, activityWifiText, "Pcs & Devices In Service (31/03)", "Devices Loan (31/03)", "Device Loan Issues (31/03)")
}

// LibraryLocationHeaders are the 63 columns of the Libraries Location Dataset (enhanced CSV) in
// published order.
var LibraryLocationHeaders = strings.Split("Reporting service|Reporting service code|Name|Type|Address 1|Address 2|Address 3|Postcode|"+
	"Unique property reference number|Easting|Northing|Longitude|Latitude|Upper tier local authority|Statutory in 2010|"+
	"Statutory in 2016|Statutory in 2019|Statutory in 2021|Statutory in 2022|Statutory in 2023|Operation in 2016|"+
	"Operation in 2019|Operation in 2021|Operation in 2022|Operation in 2023|Year opened|Year closed|Operating organisation|"+
	"Department|New build in 2022|Co-located|Co-located archives|Co-located arts centre|Co-located care home or hostel|"+
	"Co-located catering, bars or pub|Co-located civic|Co-located community|Co-located faith buildings|Co-located health|"+
	"Co-located hotel|Co-located industrial or business|Co-located library|Co-located museum|Co-located retail|"+
	"Co-located schools or colleges|Co-located universities or higher education|Co-located other|Co-located other text|"+
	"Monday opening times|Tuesday opening times|Wednesday opening times|Thursday opening times|Friday opening times|"+
	"Saturday opening times|Sunday opening times|Hours open per week|Staffed hours per week|Automated|Email or website|"+
	"Rural urban classification code|Rural urban classification description|Index of multiple deprivation rank|"+
	"Index of multiple deprivation decile", "|")

// libraryAuthorities are the sample's library authorities current in 2023-24: unitaries,
// metropolitan districts, London boroughs and counties.
func (g *generator) libraryAuthorities() []Area {
	var out []Area
	for _, a := range g.areas {
		if a.Type != "NMD" && a.exists("2023-04-01") {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// aceLibraries writes ACE's libraries page, its data sub-page, the 2023-24 activity workbook and
// the location dataset.
func (g *generator) aceLibraries(s *Sample) error {
	published := time.Date(2024, 12, 12, 10, 0, 0, 0, time.UTC)
	activity, err := g.libraryActivityWorkbook(2023)
	if err != nil {
		return err
	}
	locations, err := g.libraryLocationsCSV()
	if err != nil {
		return err
	}
	activityURL := "https://www.artscouncil.org.uk/sites/default/files/2024-12/" + url.PathEscape(aceActivityFile)
	locationsURL := "https://www.artscouncil.org.uk/sites/default/files/2024-03/" + url.PathEscape(aceLocationsFile)
	s.add(activityURL, ctXLSX, activity, published)
	s.add(locationsURL, ctCSV, locations, published)
	page := func(title, body string) []byte {
		return []byte("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + html.EscapeString(title) +
			" | Arts Council England</title></head>\n<body><header><a href=\"/\">Arts Council England</a></header>\n<main>\n<h1>" +
			html.EscapeString(title) + "</h1>\n<p class=\"demo\">" + Label + "</p>\n" + body + "</main></body></html>\n")
	}
	s.add(ACELibrariesPage, ctHTML, page("Supporting libraries",
		"<p>We are the development agency for public libraries in England.</p>\n"+
			"<ul><li><a href=\"/supporting-arts-museums-and-libraries/supporting-libraries/libraries-data\">Libraries data</a></li>\n"+
			"<li><a href=\"/our-investment\">Our investment</a></li>\n<li><a href=\"#main\">Back to top</a></li></ul>\n"), published)
	s.add(ACELibrariesDataPage, ctHTML, page("Libraries data",
		"<h2>Libraries Activity Data</h2>\n<p><a href=\"/sites/default/files/2024-12/"+url.PathEscape(aceActivityFile)+"\">Libraries Activity Data 2023-24 (XLSX)</a></p>\n"+
			"<h2>Libraries Location Dataset</h2>\n<p><a href=\"https://www.artscouncil.org.uk/sites/default/files/2024-03/"+url.PathEscape(aceLocationsFile)+"\">Libraries Location Dataset 2023 (CSV)</a></p>\n"+
			"<p><a href=\"mailto:libraries@artscouncil.org.uk\">Contact us</a></p>\n"), published)
	return nil
}

// libraryActivityWorkbook writes the activity workbook: synthetic figures for every sample
// library authority, with the real file's quirks: blank (not reported) cells, "nan" cells, age
// splits left blank by some services, one service entering visits quarterly in the quarter's last
// month, and the first service leaving its physical book issue totals blank with their age bands
// filled. Totals given beside their age bands equal their sum.
func (g *generator) libraryActivityWorkbook(fyStart int) ([]byte, error) {
	headers := LibraryActivityHeaders(fyStart)
	head := make([]any, len(headers))
	for i, h := range headers {
		head[i] = h
	}
	rows := [][]any{head}
	for n, a := range g.libraryAuthorities() {
		row := make([]any, len(headers))
		row[0], row[1] = a.Name+" Libraries", a.Name
		scale := 0.5 + hash01(a.Code, "library size")
		noAges := n%4 == 3
		quarterlyVisits := n%5 == 2
		for i := 2; i < len(headers); i++ {
			h := headers[i]
			switch {
			case h == activityEbookText:
				row[i] = map[bool]string{true: "Yes", false: "nan"}[n%3 != 1]
				continue
			case strings.HasPrefix(h, "Please Tell Us Why"):
				if n%4 == 1 {
					row[i] = "We do not run this service"
				}
				continue
			}
			isTotal := strings.HasPrefix(h, "Total") || !ageSplit(h)
			if noAges && !isTotal {
				continue // age split left blank
			}
			if hash01(a.Code, h, "blank") < 0.04 {
				continue // not reported
			}
			base := 40 + 900*hash01(h)
			if strings.Contains(h, "Issues") || strings.Contains(h, "Visitors") || strings.Contains(h, "Loans") || strings.Contains(h, "Ebooks") {
				base *= 40
			}
			if strings.Contains(h, "Active Members") {
				base *= 300
			}
			v := math.Round(base * scale * (0.8 + 0.4*hash01(a.Code, h)))
			if quarterlyVisits && strings.HasPrefix(h, "Physical Visitors") {
				if !quarterEnd(h) {
					continue
				}
				v *= 3
			}
			row[i] = int64(v)
		}
		// Totals: the total active members equal the sum of the age groups when they are given.
		if !noAges {
			sum := int64(0)
			for i := 3; i <= 5; i++ {
				if x, ok := row[i].(int64); ok {
					sum += x
				}
			}
			row[2] = sum
		}
		sumAgeBands(headers, row, n == 0)
		rows = append(rows, row)
	}
	return writeXLSX([]sheet{
		{Name: "Introduction", Rows: [][]any{{"Libraries Activity Data " + strconv.Itoa(fyStart) + "-" + fmt.Sprintf("%02d", (fyStart+1)%100) + ". " + Label}}},
		{Name: "Field definitions and notes", Rows: [][]any{{"Field definitions "}, {"Quarterly totals", "For data that is collected quarterly, respondents were asked to enter the total in the last month of that quarter (eg Total Q1 in June, Total Q2 in September etc) "}}},
		{Name: "Activity Data " + strconv.Itoa(fyStart+1), Rows: rows},
	})
}

// activityAgeBands maps each monthly total of the workbook to its age-band columns (the physical
// audiobook bands repeat the physical book labels with "_digital" after the month).
var activityAgeBands = []struct {
	total, suffix string
	parts         []string
}{
	{"Total Number Of Physical Events", "", []string{"Physical Events Adults Age 18", "Physical Events Children 11 And Under", "Physical Events Young People Between 12 And 17", "Physical Events All Age Groups"}},
	{"Total Number Of Digital Events", "", []string{"Digital Events Adults Age 18", "Digital Events Children 11 And Under", "Digital Events Young People Between 12 And 17", "Digital Events All Age Groups"}},
	{"Total Attendees At Physical Events", "", []string{"Physical Attendees Adults", "Physical Attendees Children 11 And Under", "Physical Attendees Young People Between 12 And 17"}},
	{"Total Attendees At Digital Events", "", []string{"Digital Attendees Adults", "Digital Attendees Children 11 And Under", "Digital Attendees Young People Between 12 And 17"}},
	{"Total Number Of Physical Book Issues", "", []string{"Loans And Lending Adult 18", "Loans And Lending Children Under 12", "Loans And Lending Young People Under 12 17"}},
	{"Total Number Of Physical Audio Book Issues", "_digital", []string{"Loans And Lending Adult 18", "Loans And Lending Children Under 12", "Loans And Lending Young People Under 12 17"}},
	{"Total Number Of Ebooks Issues", "", []string{"Ebooks Adult 18", "Ebooks Children Under 12", "Ebooks Young People Under 12 17"}},
	{"Total Number Of Digital Audio Book Issues", "", []string{"Digital Audio Book Issues Adult 18", "Digital Audio Book Issues Children Under 12", "Digital Audio Book Issues Young People Under 12 17"}},
}

// sumAgeBands makes each monthly total the sum of the age bands given beside it (a total with
// no band given keeps its own figure). blankBookTotals leaves the physical book issue totals
// blank with their bands filled, as Wolverhampton, Cambridgeshire and Somerset did in 2023-24.
func sumAgeBands(headers []string, row []any, blankBookTotals bool) {
	at := make(map[string]int, len(headers))
	for i, h := range headers {
		at[h] = i
	}
	for _, b := range activityAgeBands {
		for i, h := range headers {
			month, ok := strings.CutPrefix(h, b.total+" - ")
			if !ok {
				continue
			}
			sum, given := int64(0), false
			for _, p := range b.parts {
				if x, ok := row[at[p+" - "+month+b.suffix]].(int64); ok {
					sum, given = sum+x, true
				}
			}
			switch {
			case blankBookTotals && b.total == "Total Number Of Physical Book Issues" && given:
				row[i] = nil
			case given && row[i] != nil:
				row[i] = sum
			}
		}
	}
}

// ageSplit reports whether a header is an age-band breakdown column.
func ageSplit(h string) bool {
	for _, w := range []string{"Adult", "Children", "Young People", "Teens", "All Age Groups"} {
		if strings.Contains(h, w) {
			return true
		}
	}
	return false
}

func quarterEnd(h string) bool {
	for _, m := range []string{" - June ", " - Sept ", " - Dec ", " - March "} {
		if strings.Contains(h, m) {
			return true
		}
	}
	return false
}

// libraryLocationsCSV writes the location dataset: a few libraries per sample authority (static,
// one mobile, one archive), statutory status per year, and North Yorkshire's libraries that closed
// before 2023 still reported by the abolished county council, as in the real file.
func (g *generator) libraryLocationsCSV() ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(LibraryLocationHeaders); err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range LibraryLocationHeaders {
		col[h] = i
	}
	write := func(a Area, service, name, typ string, statutory bool, closed string, hours float64) error {
		r := make([]string, len(LibraryLocationHeaders))
		set := func(h, v string) {
			i, ok := col[h]
			if !ok {
				panic("demo: no location column " + h)
			}
			r[i] = v
		}
		set("Reporting service", service)
		set("Reporting service code", a.Code)
		set("Name", name)
		set("Type", typ)
		set("Address 1", name+" Library, High Street")
		set("Postcode", "ZZ99 9ZZ")
		set("Easting", fmt.Sprintf("%.0f", 400000+100000*hash01(a.Code, name, "e")))
		set("Northing", fmt.Sprintf("%.0f", 200000+300000*hash01(a.Code, name, "n")))
		set("Longitude", fmt.Sprintf("%.6f", -2+2*hash01(a.Code, name, "lon")))
		set("Latitude", fmt.Sprintf("%.6f", 51+3*hash01(a.Code, name, "lat")))
		set("Upper tier local authority", a.Name)
		yes := map[bool]string{true: "Yes", false: "No"}
		for _, y := range []string{"2010", "2016", "2019", "2021", "2022", "2023"} {
			st := statutory && (closed == "" || y < closed)
			set("Statutory in "+y, yes[st])
			if y != "2010" && st {
				set("Operation in "+y, "LA")
			}
		}
		set("Year closed", closed)
		set("Department", "Libraries and Culture")
		set("New build in 2022", "No")
		colocated := hash01(a.Code, name, "co") < 0.3
		set("Co-located", yes[colocated])
		if colocated {
			set("Co-located community", "X")
		}
		if hours > 0 {
			set("Hours open per week", strconv.FormatFloat(hours, 'f', -1, 64))
			set("Monday opening times", "AM & PM (continuous)")
		}
		set("Automated", "No")
		set("Email or website", "libraries@example.gov.uk")
		set("Rural urban classification code", "B1")
		set("Index of multiple deprivation decile", strconv.Itoa(1+int(10*hash01(a.Code, name, "imd"))))
		return w.Write(r)
	}
	for _, a := range g.libraryAuthorities() {
		n := 2 + int(4*hash01(a.Code, "libraries"))
		for i := 1; i <= n; i++ {
			hours := math.Round(8+40*hash01(a.Code, strconv.Itoa(i), "hours")*2) / 2
			if err := write(a, a.Official, fmt.Sprintf("%s %d", a.Name, i), "Static Library", true, "", hours); err != nil {
				return nil, err
			}
		}
		if err := write(a, a.Official, a.Name+" Mobile", "Mobile Library", false, "", 0); err != nil {
			return nil, err
		}
		if err := write(a, a.Official, a.Name+" Archives", "Archive", false, "", 20); err != nil {
			return nil, err
		}
	}
	for _, a := range g.areas {
		if a.Code == "E10000023" { // North Yorkshire County Council, abolished 2023
			if err := write(a, a.Official, "Selby Road", "Static Library", true, "2019", 0); err != nil {
				return nil, err
			}
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}
