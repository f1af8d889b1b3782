package dcms

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/sheets/sheetwrite"
)

// visitsFixture is a visits workbook in the real layout: title rows, the header on row 4, the DCMS
// total first, group rows followed by their sites, a revised cell stored as text, a column
// header carrying [r], a Notes column naming cells, and the archive sheets with their Month
// column, x markers, a non-breaking space and the financial year running total.
func visitsFixture() []sheetwrite.Sheet {
	return []sheetwrite.Sheet{
		{Name: "Cover_sheet", Rows: [][]any{{"DCMS-sponsored museums and galleries monthly visits"}}},
		{Name: "Notes", Rows: [][]any{{"Notes related to the data in this spreadsheet"}, {"Note number ", "Note text "}, {1, "Caution"}}},
		{Name: "1a", Rows: [][]any{
			{"Table 1a: Museum and Galleries Monthly Visits: January 2019 to February 2019 [note 1]."},
			{"This worksheet contains one table."},
			{"Colour is used for emphasis in this table. The note column explains what this refers to. "},
			{"Museum Name ", "Museum Group", "Coverage", "January 2019", "February 2019 [r]", "Notes"},
			{"DCMS Total", "DCMS Total", "All DCMS-sponsored museums", 4256452, "4,256,460 [r]", "[note 2][This note applies to cells D5.]"},
			{"British Museum", "British Museum", "Museum group", 447863, 470127},
			{"Imperial War Museum (IWM) Total", "Imperial War Museum", "Museum group", 3808589, 3786333},
			{"IWM London", "Imperial War Museum", "Museum site", 3800000, 3780000},
			{"IWM Duxford ", "Imperial War Museum", "Museum site", 8589, 6333},
			{"Young V&A [note 9] ", "V&A", "Museum site", nil, "x"},
		}},
		{Name: "1b", Rows: [][]any{
			{"Table 1b: Museum and Galleries Quarterly Visits"}, {""}, {""},
			{"Museum Name ", "Museum Group", "Coverage", "January - March 2019 (Q4)", "July - September 2020 (Q2) [r]", "April - June 2021 (Q1) "},
			{"British Museum", "British Museum", "Museum group", 1412338, 50821, 156407},
		}},
		{Name: "2a", Rows: [][]any{
			{"Table 2a: Museums and Galleries Monthly Visits (archive): April 2004 to December 2018."}, {""},
			{"Some shorthand is used in this table, x = data not available."},
			{"Museum Name ", "Coverage", "Month", "2004/2005", "2005/2006"},
			{"DCMS Total", "All DCMS-sponsored museums", "April", "x", 3643655.64},
			{"DCMS Total", "All DCMS-sponsored museums", "January", "x", 2877717.48},
			{"IMPERIAL WAR MUSEUM (IWM)", "Museum group", "January", 100, 200},
			{"T&W MUSEUM STORE \u00a0(SHARED BY T&W AND BEAMISH MUSEUM)", "Museum site", "Financial Year Running Total", 36094536, "x"},
		}},
		{Name: "2b", Rows: [][]any{
			{"Table 2b: Museums and Galleries Quarterly Visits (archive)"}, {""}, {""},
			{"Museum Name ", "Coverage", "Month", "2004/2005"},
			{"BRITISH MUSEUM", "Museum group", "Jan-March (Q4)", 1060102},
			{"BRITISH MUSEUM", "Museum group", "Apr-June (Q1)", 1123859},
		}},
	}
}

// indicatorsFixture is an annual performance indicators workbook in the real layout.
func indicatorsFixture() []sheetwrite.Sheet {
	return []sheetwrite.Sheet{
		{Name: "Cover_sheet", Rows: [][]any{{"DCMS-Sponsored Museums and Galleries Annual Performance Indicators 2023/24"}}},
		{Name: "1", Rows: [][]any{
			{"Table 1: Total annual visitor figures to the DCMS-sponsored museum and galleries, split by museum 2008/09 - 2023/24 [note 1]"},
			{"This worksheet contains one table."}, {"Colour is used for emphasis in this table."},
			{"Some shorthand is used in this table, x = data not published, b = break in series."},
			{"Name of museum or gallery", "2009/10", "2010/11 [b]", "2023/24", "Notes"},
			{"British Museum", 5650388, 5869396, 6159856, "[note 2] The cell D6 is a revised figure."},
			{"Science Museum Group", 4312668.1027, "x", 4299208},
			{"Total", 42269000, 43887000, 42547000},
		}},
		{Name: "2", Rows: [][]any{
			{"Table 2: Total visitor figures to the DCMS-sponsored museum and galleries 2002/03 - 2023/24 [note 1][note 3][note 4]"},
			{""}, {""}, {"Some shorthand is used in this table b = break in series."},
			{"Financial Year", "Total annual visits", "Notes"},
			{"2010/11 [b]", 43887000},
			{"2019/20", 47645000, "[note 2] The cell B7 is a revised figure."},
		}},
		{Name: "6", Rows: [][]any{
			{"Table 6: Proportion of visitors who would recommend a visit, split by museum 2008/09 - 2023/24 [note 1]"},
			{""}, {""}, {""},
			{"Name of museum or gallery ", "2022/23", "2023/24"},
			{"National Museums Liverpool ", 0.98, 0.99},
		}},
		{Name: "8", Rows: [][]any{
			{"Table 8: The number of instances where visitors under 18 years old have participated in on-site activities, split by museum 2012/13 - 2023/24 [note 1]."},
			{""}, {""}, {""},
			{"Name of museum or gallery", "2020/21 ", "2021/22"},
			{"National Gallery", "w", "247,276\u00a0"},
			{"Royal Armouries [note 16]", "Nil", 9505},
		}},
	}
}

// participationFixture is a Participation Survey workbook: a national table the reader must leave
// alone and a local-authority table in the layout three pipelines read from the 2023-24 tables.
func participationFixture() []sheetwrite.Sheet {
	y := "2023/24"
	return []sheetwrite.Sheet{
		{Name: "Table_A1", Rows: [][]any{{"Table A1: Adult engagement with the arts"}, {""}, {""}, {""},
			{"Question", "Response Breakdown ", "Percentage of respondents " + y, "Percentage of respondents " + y + " Lower estimate", "Percentage of respondents " + y + " Upper estimate", y + " No. of respondents", y + " Base"},
			{"Engaged with the arts physically in the last 12 months", "Any event", 90, 89.8, 90.2, 157205, 171748}}},
		{Name: "Table_A3", Rows: [][]any{
			{"Table A3: Adult engagement with the arts in person, by local authority [Note 1]"},
			{"This worksheet contains one table."}, {"Some estimates are based on small samples."}, {"Source: Participation Survey"},
			{"Question", "LAD23 code", "ITL1 name", "Response Breakdown ", "Percentage of respondents " + y,
				"Percentage of respondents " + y + " Lower estimate", "Percentage of respondents " + y + " Upper estimate", y + " No. of respondents", y + "\nBase"},
			{"Engaged with the arts physically in the last 12 months [Note 2]", "E08000021", "North East", "Newcastle upon Tyne", 89.3, 85.9, 92.7, 580, 643},
			{"", "E09000007", "London", "Camden [note 5]", "[c]", "[c]", "[c]", "[c]", 40},
			{"", "", "South West", "Bristol, City of", 81, 77.5, 84.5, "1,204", "1,486"},
			{"Source: DCMS Participation Survey 2023/24"},
		}},
	}
}

// writeFixture writes sheets to a temporary ODS file.
func writeFixture(t testing.TB, name string, sh []sheetwrite.Sheet) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := sheetwrite.WriteODS(p, sh...); err != nil {
		t.Fatal(err)
	}
	return p
}

// fixtureBytes returns sheets as ODS bytes (fuzz seeds).
func fixtureBytes(t testing.TB, sh []sheetwrite.Sheet) []byte {
	t.Helper()
	b, err := sheetwrite.ODS(sh...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// writeBytes writes b to a temporary file.
func writeBytes(t testing.TB, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "f.ods")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
