package sheets

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cornerstone-data/cornerstone/internal/sheets/xlswrite"
)

// ro5Book is laid out like MHCLG's RO5 2013-14 workbook: three data sheets
// with a service row, a measure row and E-code rows.
func ro5Book() xlswrite.Book {
	long := strings.Repeat("Culture and heritage - Museums and galleries ", 200) // crosses SST records
	wide := strings.Repeat("Ŵales ", 1500)                                       // 16-bit characters across records
	return xlswrite.Book{Sheets: []xlswrite.Sheet{
		{Name: "Title", Rows: [][]any{{"Revenue Outturn (RO5) 2013-14"}}},
		{Name: "RO5 LA Data 2013-14 (1)", Rows: [][]any{
			nil,
			{"E-code", "Local authority", "Class", "Library service", xlswrite.Blank{}, "Museums and galleries"},
			{nil, nil, nil, "Employees (C1)", "Running Expenses (C2)", "Employees (C1)"},
			{"E5031", "Barnet", xlswrite.Label("L"), 4321, 1234, 56.5},
			{"E2721", "North Yorkshire", "SC", -12, 3.25, xlswrite.Formula{Result: 7.5}},
			{"E9999", long, wide, xlswrite.Formula{Result: "text result"}, xlswrite.Formula{Result: xlswrite.Err("#DIV/0!")}, xlswrite.Formula{Result: true}},
			{"Totals", xlswrite.Err("#N/A"), false, 1 << 30, time.Date(2014, 3, 31, 0, 0, 0, 0, time.UTC), time.Date(2014, 3, 31, 18, 0, 0, 0, time.UTC)},
			nil, nil,
			{xlswrite.Formatted{Value: 41729, Format: "dd/mm/yyyy"}, xlswrite.Formatted{Value: 0.125, Format: "0.0%"}, xlswrite.Formatted{Value: 0.75, Format: "h:mm"}},
		}, Merged: [][4]int{{1, 3, 1, 4}}, ChartAfterRow: 4},
		{Name: "RO5 LA Data 2013-14 (2)", Rows: [][]any{{"E-code"}, {"E5031", 1.5}}},
	}}
}

func TestXLS(t *testing.T) {
	data, err := ro5Book().Bytes()
	if err != nil {
		t.Fatal(err)
	}
	wb, err := openBytes("ro5.xls", data)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	if wb.Format() != FormatXLS {
		t.Errorf("format %v", wb.Format())
	}
	if got := strings.Join(wb.Sheets(), "|"); got != "Title|RO5 LA Data 2013-14 (1)|RO5 LA Data 2013-14 (2)" {
		t.Errorf("sheets %q", got)
	}
	got, err := readSheet(wb, "RO5 LA Data 2013-14 (1)")
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("Culture and heritage - Museums and galleries ", 200)
	compareRows(t, got, []row{
		r(2, S("E-code"), S("Local authority"), S("Class"), S("Library service"), blank, S("Museums and galleries")),
		r(3, blank, blank, blank, S("Employees (C1)"), S("Running Expenses (C2)"), S("Employees (C1)")),
		r(4, S("E5031"), S("Barnet"), S("L"), N("4321"), N("1234"), N("56.5")),
		r(5, S("E2721"), S("North Yorkshire"), S("SC"), N("-12"), N("3.25"), N("7.5")),
		r(6, S("E9999"), S(long), S(strings.Repeat("Ŵales ", 1500)), S("text result"), E("#DIV/0!"), B("TRUE")),
		r(7, S("Totals"), E("#N/A"), B("FALSE"), N("1073741824"), D("2014-03-31"), D("2014-03-31T18:00:00")),
		r(10, D("2014-03-31"), N("0.125"), D("18:00:00")),
	})
	two, err := readSheet(wb, "RO5 LA Data 2013-14 (2)")
	if err != nil {
		t.Fatal(err)
	}
	compareRows(t, two, []row{r(1, S("E-code")), r(2, S("E5031"), N("1.5"))})
	if _, err := wb.Rows("RO5"); !errors.Is(err, ErrNoSheet) {
		t.Errorf("missing sheet: %v", err)
	}
}

func TestXLSOnDisk1904(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mac.xls")
	book := xlswrite.Book{Date1904: true, Sheets: []xlswrite.Sheet{{Name: "S", Rows: [][]any{{time.Date(2019, 1, 31, 0, 0, 0, 0, time.UTC), 1, 2, 3}}}}}
	if err := xlswrite.Write(path, book); err != nil {
		t.Fatal(err)
	}
	wb, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	got, err := readSheet(wb, "S")
	if err != nil {
		t.Fatal(err)
	}
	compareRows(t, got, []row{r(1, D("2019-01-31"), N("1"), N("2"), N("3"))})
}

func TestXLSCorrupt(t *testing.T) {
	data, err := ro5Book().Bytes()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{600, 2000, len(data) / 2} {
		wb, err := openBytes("cut.xls", data[:n])
		if err == nil {
			for _, sheet := range wb.Sheets() {
				_, err = readSheet(wb, sheet)
				if err != nil {
					break
				}
			}
		}
		if !errors.Is(err, ErrCorrupt) {
			t.Errorf("cut at %d: error %v, want ErrCorrupt", n, err)
		}
	}
	// Damage the records: every byte of the stream's first sector in turn.
	for i := 512; i < 1024; i++ {
		bad := append([]byte(nil), data...)
		bad[i] ^= 0xFF
		wb, err := openBytes("bad.xls", bad)
		if err != nil {
			checkSentinel(t, err)
			continue
		}
		for _, sheet := range wb.Sheets() {
			if _, err := readSheet(wb, sheet); err != nil {
				checkSentinel(t, err)
			}
		}
	}
}

// seedBook is a small workbook with every kind of cell record.
var seedBook = xlswrite.Book{Sheets: []xlswrite.Sheet{{Name: "S", Rows: [][]any{
	{"a", xlswrite.Label("b"), 1, 2, 1.5, true, xlswrite.Err("#N/A")},
	{xlswrite.Formula{Result: "s"}, xlswrite.Formatted{Value: 43496, Format: "yyyy-mm-dd"}, xlswrite.Blank{}},
}, ChartAfterRow: 1}, {Name: "T", Rows: [][]any{nil, {"a"}}}}}

// xlsSeeds returns small XLS files for FuzzOpen.
func xlsSeeds(f *testing.F) [][]byte {
	data, err := seedBook.Bytes()
	if err != nil {
		f.Fatal(err)
	}
	return [][]byte{data}
}

// FuzzXLS fuzzes the BIFF8 Workbook stream; the compound file around it
// stays well formed, so that inputs stay small.
func FuzzXLS(f *testing.F) {
	stream, err := seedBook.Stream()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(stream) // (SST records continued across CONTINUE are left to TestXLS: such seeds are too big to minimise)
	f.Fuzz(func(t *testing.T, stream []byte) {
		wb, err := openBytes("fuzz.xls", xlswrite.CompoundFile(stream), fuzzLimits)
		exercise(t, wb, err, false)
	})
}
