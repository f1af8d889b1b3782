package dcms

import (
	"testing"
)

// The readers take whatever bytes a publisher serves: none may panic, whatever the workbook.

func FuzzVisits(f *testing.F) {
	f.Add(fixtureBytes(f, visitsFixture()))
	f.Add([]byte("Museum Name,Museum Group,Coverage,January 2019\nDCMS Total,DCMS Total,All DCMS-sponsored museums,\"4,256,452 [r]\"\n"))
	f.Add([]byte("Museum Name,Coverage,Month,2004/2005\nX,Museum site,Jan-March (Q4),x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = readVisits(bg, writeBytes(t, b), "f.ods", (&collector{want: len(VisitsTable.Columns)}).emit)
	})
}

func FuzzIndicators(f *testing.F) {
	f.Add(fixtureBytes(f, indicatorsFixture()))
	f.Add([]byte("Table 1: visitor figures, split by museum\nName of museum or gallery,2008/09,2010/11 [b],Notes\nA,1,w,[note 2] The cell C3 is a revised figure.\n"))
	f.Add([]byte("Table 2: Total visitor figures\nFinancial Year,Total annual visits\n2010/11 [b],Nil\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = readIndicators(bg, writeBytes(t, b), "f.ods", (&collector{want: len(IndicatorsTable.Columns)}).emit, func(string, ...any) {})
	})
}

func FuzzParticipation(f *testing.F) {
	f.Add(fixtureBytes(f, participationFixture()))
	f.Add([]byte("Table A3\nLAD23 code,Response Breakdown ,Percentage of respondents 2023/24,Percentage of respondents 2023/24 Lower estimate,Percentage of respondents 2023/24 Upper estimate,2023/24 No. of respondents,2023/24 Base\nE08000021,Newcastle,89,85,93,\"1,204\",[c]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = readParticipation(bg, writeBytes(t, b), "f.ods", (&collector{want: len(ParticipationTable.Columns)}).emit)
	})
}

// FuzzLabels drives the header and label parsers directly.
func FuzzLabels(f *testing.F) {
	for _, s := range []string{"January 2019", "July - September 2020 (Q2) [r]", "2010/11 [b]", "2004/2005", "Apr-June (Q1)",
		"Financial Year Running Total", "[note 2][This note applies to cells AT5, AU5 & BZ5.]", "Sept 2023", "to June 2025"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parsePeriodHeader(s)
		parseArchiveRow(s, 2010)
		financialYear(s)
		parseCellNotes(s).forCell(3, 5)
		lastMonth(s)
		joinNotes(s, s)
		monthNumber(s)
	})
}
