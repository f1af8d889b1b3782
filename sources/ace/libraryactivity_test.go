package ace

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/internal/sheets/sheetwrite"
	"github.com/cornerstone-data/cornerstone/sources"
)

// activityFixture writes a workbook in the real 2023-24 layout (every one of the 504 headers, in
// published order) with the given cells set by header, one row per service.
func activityFixture(t testing.TB, rows ...map[string]any) string {
	t.Helper()
	headers := demo.LibraryActivityHeaders(2023)
	index := map[string]int{}
	head := make([]any, len(headers))
	for i, h := range headers {
		head[i], index[h] = h, i
	}
	data := [][]any{head}
	for _, r := range rows {
		row := make([]any, len(headers))
		for h, v := range r {
			i, ok := index[h]
			if !ok {
				t.Fatalf("fixture: no header %q in the real layout", h)
			}
			row[i] = v
		}
		data = append(data, row)
	}
	path := filepath.Join(t.TempDir(), "Libraries Activity Data 2023-24 FINAL.xlsx")
	if err := sheetwrite.WriteXLSX(path,
		sheetwrite.Sheet{Name: "Introduction", Rows: [][]any{{"test"}}},
		sheetwrite.Sheet{Name: "Field definitions and notes", Rows: [][]any{{"Field definitions "}, {"Active users", "text"}}},
		sheetwrite.Sheet{Name: "Activity Data 2024", Rows: data}); err != nil {
		t.Fatal(err)
	}
	return path
}

func readActivityFile(t testing.TB, path string) (string, []activityRecord, error) {
	t.Helper()
	wb, err := sheets.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	var recs []activityRecord
	fy, err := readActivity(context.Background(), wb, filepath.Base(path), func(r activityRecord) error {
		c := *r.col
		r.col = &c
		recs = append(recs, r)
		return nil
	})
	return fy, recs, err
}

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestActivityFixtureCellByCell(t *testing.T) {
	path := activityFixture(t,
		map[string]any{
			"Library Details": "Barnsley Libraries", "Library Authority (Upper Tier Local Authority)": "Barnsley",
			"Total Active Members": 13835, "Active Members - Children (≤11)": 4000, "Active Members - Adults (18+)": 8835, "Active Members - Teens (12-17)": 1000,
			"Total Number Of Physical Events - April 2023": 335, "Total Number Of Physical Events - May 2023": nil,
			"Total Number Of Physical Events - June 2023": "nan", "Total Number Of Physical Events - Sept 2023": 0,
			"Physical Events All Age Groups - Oct 2023":                                     12,
			"Loans And Lending Adult 18 - April 2023_digital":                               7,
			"Physical Visitors To Library Sites Where There Is No Co Location - March 2024": "4,256",
			"Pcs & Devices In Service (31/03)":                                              120,
			"Ebook & Eaudio Data Collection":                                                "Yes",
		},
		map[string]any{
			"Library Details": "Explore York Libraries & Archives", "Library Authority (Upper Tier Local Authority)": "York",
			"Total Active Members": "x", "Ebook & Eaudio Data Collection": "nan",
			"Number Of Sessions Of Wifi Access - Feb 2024": 88,
		},
	)
	fy, recs, err := readActivityFile(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if fy != "2023-24" {
		t.Fatalf("financial year %q", fy)
	}
	type want struct {
		service, header, measure, format, age, ptype, label string
		start, end                                          string
		value                                               float64
	}
	wants := []want{
		{"Barnsley Libraries", "Total Active Members", "active_members", "all", "total", "year", "2023-24", "2023-04-01", "2024-03-31", 13835},
		{"Barnsley Libraries", "Active Members - Children (≤11)", "active_members", "all", "under 12", "year", "2023-24", "2023-04-01", "2024-03-31", 4000},
		{"Barnsley Libraries", "Active Members - Adults (18+)", "active_members", "all", "18+", "year", "2023-24", "2023-04-01", "2024-03-31", 8835},
		{"Barnsley Libraries", "Active Members - Teens (12-17)", "active_members", "all", "12-17", "year", "2023-24", "2023-04-01", "2024-03-31", 1000},
		{"Barnsley Libraries", "Total Number Of Physical Events - April 2023", "events", "physical", "total", "month", "April 2023", "2023-04-01", "2023-04-30", 335},
		{"Barnsley Libraries", "Total Number Of Physical Events - Sept 2023", "events", "physical", "total", "month", "Sept 2023", "2023-09-01", "2023-09-30", 0},
		{"Barnsley Libraries", "Physical Events All Age Groups - Oct 2023", "events", "physical", "all ages", "month", "Oct 2023", "2023-10-01", "2023-10-31", 12},
		{"Barnsley Libraries", "Loans And Lending Adult 18 - April 2023_digital", "loans", "physical audiobook", "18+", "month", "April 2023", "2023-04-01", "2023-04-30", 7},
		{"Barnsley Libraries", "Physical Visitors To Library Sites Where There Is No Co Location - March 2024", "visits", "library-only sites", "total", "month", "March 2024", "2024-03-01", "2024-03-31", 4256},
		{"Barnsley Libraries", "Pcs & Devices In Service (31/03)", "pcs_devices_in_service", "all", "total", "point", "31/03", "2024-03-31", "2024-03-31", 120},
		{"Explore York Libraries & Archives", "Number Of Sessions Of Wifi Access - Feb 2024", "wifi_sessions", "all", "total", "month", "Feb 2024", "2024-02-01", "2024-02-29", 88},
	}
	var nums []activityRecord
	var texts []activityRecord
	for _, r := range recs {
		if r.text {
			texts = append(texts, r)
		} else {
			nums = append(nums, r)
		}
	}
	if len(nums) != len(wants) {
		for _, r := range nums {
			t.Logf("%s %s = %v", r.service, r.col.header, r.value)
		}
		t.Fatalf("%d numeric cells, want %d (blank, nan and x cells give none)", len(nums), len(wants))
	}
	for i, w := range wants {
		r := nums[i]
		c := r.col
		if r.service != w.service || c.header != w.header || c.measure != w.measure || c.format != w.format || c.age != w.age ||
			c.periodType != w.ptype || c.periodLabel != w.label || !c.start.Equal(day(w.start)) || !c.end.Equal(day(w.end)) || r.value != w.value {
			t.Errorf("cell %d:\n got %s|%s|%s|%s|%s|%s|%s|%s|%s|%v\nwant %+v", i, r.service, c.header, c.measure, c.format, c.age,
				c.periodType, c.periodLabel, c.start.Format(time.DateOnly), c.end.Format(time.DateOnly), r.value, w)
		}
		if r.row != 2 && r.service == "Barnsley Libraries" {
			t.Errorf("row %d, want 2", r.row)
		}
	}
	if len(texts) != 1 || texts[0].answer != "Yes" || texts[0].col.header != "Ebook & Eaudio Data Collection" {
		t.Errorf("text answers: %+v", texts)
	}
}

func TestActivityUnknownColumnIsALayoutError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.csv")
	os.WriteFile(path, []byte("Library Details,Library Authority (Upper Tier Local Authority),Total Active Members,Total Number Of Physical Events - April 2023,Total Number Of Widgets - May 2023\nA,B,1,2,3\n"), 0o644)
	_, _, err := readActivityFile(t, path)
	var le *sources.LayoutError
	if !errors.As(err, &le) || !errors.Is(err, sources.ErrLayout) || !strings.Contains(err.Error(), "Total Number Of Widgets - May 2023") {
		t.Fatalf("err = %v", err)
	}
}

func TestActivityMissingRequiredColumn(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.csv")
	os.WriteFile(path, []byte("Library Details,Library Authority (Upper Tier Local Authority),Total Active Member,Total Number Of Physical Events - April 2023\nA,B,1,2\n"), 0o644)
	_, _, err := readActivityFile(t, path)
	var le *sources.LayoutError
	if !errors.As(err, &le) || le.Expected != "Total Active Members" || len(le.Nearest) == 0 || le.Nearest[0] != "Total Active Member" {
		t.Fatalf("err = %v", err)
	}
}

func TestActivityBadCellNamesIt(t *testing.T) {
	path := activityFixture(t, map[string]any{
		"Library Details": "S", "Library Authority (Upper Tier Local Authority)": "Barnsley",
		"Total Number Of Physical Events - April 2023": "about 30",
	})
	_, _, err := readActivityFile(t, path)
	var ce *sheets.CellError
	if !errors.As(err, &ce) || ce.Sheet != "Activity Data 2024" || ce.Row != 2 || ce.Col != 6 || ce.Value != "about 30" {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(err.Error(), `cell G2 ("about 30")`) {
		t.Fatalf("message %q does not name the cell", err)
	}
}

func TestActivityMonthsOutsideTheYear(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.csv")
	os.WriteFile(path, []byte("Library Details,Library Authority (Upper Tier Local Authority),Total Active Members,Click And Collect - April 2023,Click And Collect - April 2024\nA,B,1,2,3\n"), 0o644)
	_, _, err := readActivityFile(t, path)
	if !errors.Is(err, sources.ErrLayout) || !strings.Contains(err.Error(), "outside the financial year") {
		t.Fatalf("err = %v", err)
	}
}

func TestActivityQuestionCodeLayoutIsNamed(t *testing.T) {
	head := []string{"Q1"}
	for i := 0; i < 30; i++ {
		head = append(head, "Q4_1_"+string(rune('a'+i)))
	}
	path := filepath.Join(t.TempDir(), "official.csv")
	os.WriteFile(path, []byte(strings.Join(head, ",")+"\n"), 0o644)
	_, _, err := readActivityFile(t, path)
	if !errors.Is(err, sources.ErrLayout) || !strings.Contains(err.Error(), "question-code layout") {
		t.Fatalf("err = %v", err)
	}
}

func TestParseMonthAndYear(t *testing.T) {
	for s, want := range map[string]time.Month{"Sept": time.September, "Oct": time.October, "March": time.March, "april": time.April, "Jun": time.June} {
		if m, ok := parseMonth(s); !ok || m != want {
			t.Errorf("parseMonth(%q) = %v %v", s, m, ok)
		}
	}
	for _, s := range []string{"Ma", "Smarch", ""} {
		if _, ok := parseMonth(s); ok {
			t.Errorf("parseMonth(%q) accepted", s)
		}
	}
	for s, want := range map[string]string{"Libraries Activity Data 2023-24 FINAL.xlsx": "2023-24", "data_2024_2025.xlsx": "2024-25",
		"official statistic release.xlsx": "", "2023-25": ""} {
		if got := financialYear(s); got != want {
			t.Errorf("financialYear(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestActivityRealWorkbook reads the real 2023-24 workbook: the layout the fixtures are written in
// is the real one, and every Total Active Members cell is read as the sheet holds it.
func TestActivityRealWorkbook(t *testing.T) {
	ref, ok := config.ReferenceDir(filepath.Join("..", ".."))
	if !ok {
		t.Skip("../shared/reference is absent (set CORNERSTONE_REFERENCE): skipping the conformance test on the real ACE workbook")
	}
	path := filepath.Join(ref, "libraries", "Libraries_Activity_Data_2023-24_FINAL.xlsx")
	wb, err := sheets.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	rows, err := wb.Rows("Activity Data 2024")
	if err != nil {
		t.Fatal(err)
	}
	rows.Next()
	header := append([]sheets.Cell{}, rows.Row()...)
	want := demo.LibraryActivityHeaders(2023)
	if len(header) != len(want) {
		t.Fatalf("real header has %d columns, the fixture layout %d", len(header), len(want))
	}
	for i := range want {
		if sheets.NormalizeHeader(header[i].Value) != want[i] {
			t.Errorf("column %d: real %q, fixture %q", i, header[i].Value, want[i])
		}
	}
	members := map[int]float64{}
	for rows.Next() {
		if f, ok := rows.Row()[2].Float(); ok {
			members[rows.Number()] = f
		}
	}
	rows.Close()

	fy, recs, err := readActivityFile(t, path)
	if err != nil {
		t.Fatal(err)
	}
	if fy != "2023-24" {
		t.Fatalf("financial year %q", fy)
	}
	got := map[int]float64{}
	services := map[string]bool{}
	for _, r := range recs {
		services[r.service] = true
		if !r.text && r.col.header == "Total Active Members" {
			got[r.row] = r.value
		}
	}
	if len(services) != 129 || len(got) != len(members) || len(got) != 127 {
		t.Fatalf("%d services, %d totals read, %d in the sheet", len(services), len(got), len(members))
	}
	for row, v := range members {
		if got[row] != v {
			t.Errorf("row %d: Total Active Members %v, read %v", row, v, got[row])
		}
	}
}

func FuzzReadActivity(f *testing.F) {
	h := "Library Details,Library Authority (Upper Tier Local Authority),Total Active Members,Total Number Of Physical Events - Sept 2023,Pcs & Devices In Service (31/03),Ebook & Eaudio Data Collection\n"
	f.Add([]byte(h + "A,B,1,2,3,Yes\n"))
	f.Add([]byte(h + "A,,1,nan,x,\n,,,,\n"))
	f.Add([]byte(h + "A,B,-1,\"1,2\",(3),No\n"))
	f.Add([]byte("Q1,Q2\n"))
	f.Add([]byte("Library Authority (Upper Tier Local Authority),Total Active Members,X - Smarch 2023,Devices Loan (31/02)\n"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "f.csv")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		wb, err := sheets.Open(path)
		if err != nil {
			return
		}
		defer wb.Close()
		_, _ = readActivity(context.Background(), wb, "f.csv", func(activityRecord) error { return nil })
	})
}

func FuzzParseLinks(f *testing.F) {
	f.Add([]byte(`<base href="/x/"><a href="a.xlsx">A <b>file</b></a><a href="#top">x</a><a href="mailto:a@b">m</a>`))
	f.Add([]byte(`<a href="https://[::1">bad</a><a href=javascript:alert(1)>j</a><a>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, l := range parseLinks("https://www.artscouncil.org.uk/p", b, "https://www.artscouncil.org.uk/p") {
			_ = l.FileName()
			_ = l.Title()
		}
	})
}
