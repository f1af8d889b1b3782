package mhclg

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/internal/sheets/sheetwrite"
	"github.com/cornerstone-data/cornerstone/sources"
)

func TestParseTSColumn(t *testing.T) {
	for in, want := range map[string][4]string{
		"RO5_cultot_net_cur_exp":     {"RO5", "cultot", "net_cur_exp", "C7"},
		"RO5_culspr_frs_net_cur_exp": {"RO5", "culspr_frs", "net_cur_exp", "C7"},
		"RO5_cullib_empl":            {"RO5", "cullib", "empl", "C1"},
		"RO5_cullib_sfc":             {"RO5", "cullib", "sfc", "C4"},
		"RS_cul_net_exp":             {"RS", "cul", "net_exp", ""},
		"RS_resunall_end_cy":         {"RS", "resunall_end", "cy", ""},
		"RG_granttot_tot_grant":      {"RG", "granttot_tot", "grant", ""},
	} {
		c, ok := parseTSColumn(in)
		if !ok || c.form != want[0] || c.asset != want[1] || c.suffix != want[2] || c.code != want[3] {
			t.Errorf("%s: %+v", in, c)
		}
	}
	if _, ok := parseTSColumn("year_ending"); ok {
		// "year" is not a form, but the parser only splits; the reader keeps RO5, RS and RSX.
		if tsForms["year"] {
			t.Error("year_ending kept as a form")
		}
	}
}

func TestDescribeLine(t *testing.T) {
	ro5 := func(a string) tsColumn { return tsColumn{form: "RO5", asset: a} }
	for _, c := range []struct {
		col  tsColumn
		desc string
		want string
	}{
		{ro5("x1"), "RO5 - Culture and heritage - Archives - Net current expenditure", "archives"},
		{ro5("x2"), "Net current expenditure: Culture and heritage - Museums and galleries", "museums_galleries"},
		{ro5("x3"), "Library service - Total Expenditure (C3 = C1 + C2)", "library"},
		{ro5("x4"), "Tourism, Employees", "tourism"},
		{ro5("cultot"), "something MHCLG renamed", "total_cultural"},
		{ro5("x5"), "Waste collection - Net current expenditure", ""},
		{tsColumn{form: "RSX", asset: "cul"}, "RSX - Cultural and related services - Net current expenditure", "cultural_services"},
		// "Heritage" alone is a kept line, but not inside another service's name.
		{ro5("x6"), "Built heritage grants - Net current expenditure", ""},
	} {
		if got := describeLine(c.col, c.desc); got != c.want {
			t.Errorf("%q: %q, want %q", c.desc, got, c.want)
		}
	}
}

const tsHeader = "\ufeff\"year_ending\",\"ONS_code\",\"LA_name\",\"LA_class\",\"status\",\"RO5_cultot_net_cur_exp\",\"RO5_cullib_empl\",\"RG_granttot_tot_grant\"\r\n"

func writeFile(t testing.TB, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadTimeSeries(t *testing.T) {
	p := writeFile(t, "ts.csv", tsHeader+
		"202503,E92000001,ENGLAND,England,total,999,999,9\r\n"+
		"202503,E06,Unitary authorities,UA,total,99,99,9\r\n"+
		"202503,E06000001,Hartlepool,UA,submitted,\"1,234.5\",[c],7\r\n"+
		"202503,E06000063,Cumberland,UA,not submitted,,,\r\n"+
		"201803,E09000007,\"Camden, London Borough of\",L,submitted,-12,..,7\r\n")
	var got []tsRecord
	if err := readTimeSeries(context.Background(), p, "ts.csv", func(r tsRecord) error { got = append(got, r); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 6 {
		t.Fatalf("%d values, want 6 (3 authorities x 2 RO5 columns): %+v", len(got), got)
	}
	check := func(i int, fy, ons, col string, valid bool, v float64, reason string) {
		t.Helper()
		r := got[i]
		if r.fy != fy || r.ons != ons || r.col.name != col || r.amount.Valid != valid || r.amount.Value != v || r.amount.Reason != reason {
			t.Errorf("value %d: %+v", i, r)
		}
	}
	check(0, "2024-25", "E06000001", "RO5_cultot_net_cur_exp", true, 1234.5, "")
	check(1, "2024-25", "E06000001", "RO5_cullib_empl", false, 0, "confidential [c]")
	check(2, "2024-25", "E06000063", "RO5_cultot_net_cur_exp", false, 0, "not submitted")
	check(4, "2017-18", "E09000007", "RO5_cultot_net_cur_exp", true, -12, "")
	check(5, "2017-18", "E09000007", "RO5_cullib_empl", false, 0, "unknown (..)")
	if got[4].name != "Camden, London Borough of" || got[2].status != "not submitted" {
		t.Errorf("identity %+v %+v", got[4], got[2])
	}
}

func TestReadTimeSeriesReportsEveryBadCell(t *testing.T) {
	p := writeFile(t, "ts.csv", tsHeader+
		"202503,E06000001,Hartlepool,UA,submitted,twelve,1,7\r\n"+
		"2025,E06000002,Middlesbrough,UA,submitted,1,1,7\r\n"+
		"202503,E06000003,Redcar,UA,maybe,1,1,7\r\n")
	err := readTimeSeries(context.Background(), p, "ts.csv", func(tsRecord) error { return nil })
	var ve *sources.ValidationError
	if !errors.As(err, &ve) || len(ve.Problems) != 3 {
		t.Fatalf("%v", err)
	}
	if ve.Problems[0].Row != 2 || !strings.Contains(ve.Problems[0].Column, "RO5_cultot_net_cur_exp (F2)") ||
		ve.Problems[1].Column != "year_ending" || ve.Problems[2].Column != "status" {
		t.Errorf("%v", err)
	}
}

func TestReadTimeSeriesMissingIdentity(t *testing.T) {
	p := writeFile(t, "ts.csv", "year_ending,ONS code,LA_name,LA_class,status,RO5_cultot_net_cur_exp\n202503,E06000001,H,UA,submitted,1\n")
	err := readTimeSeries(context.Background(), p, "ts.csv", func(tsRecord) error { return nil })
	var le *sources.LayoutError
	if !errors.As(err, &le) || le.Expected != "ONS_code" || len(le.Nearest) == 0 || le.Nearest[0] != "ONS code" {
		t.Fatalf("%v", err)
	}
}

func TestReadTSMetadata(t *testing.T) {
	p := filepath.Join(t.TempDir(), "Revenue_Outturn_metadata.ods")
	if err := sheetwrite.WriteODS(p, sheetwrite.Sheet{Name: "Cover", Rows: [][]any{{"Revenue outturn metadata"}}},
		sheetwrite.Sheet{Name: "Metadata", Rows: [][]any{{"Title"}, nil, {"Variable name", "Description"},
			{"year_ending", "Year ending"},
			{"RO5_culhrtarc_net_cur_exp", "RO5 - Culture and heritage - Archives - Net current expenditure"},
			{"RO5_envcll_tot_exp", "RO5 - Waste collection - Total expenditure"},
			{"RG_granttot_tot_grant", "RG - total grants"},
		}}); err != nil {
		t.Fatal(err)
	}
	got, err := readTSMetadata(p, "Revenue_Outturn_metadata.ods")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].line != "archives" || got[0].col.code != "C7" || got[0].row != 5 || got[1].line != "" {
		t.Fatalf("%+v", got)
	}
	bad := filepath.Join(t.TempDir(), "m.ods")
	sheetwrite.WriteODS(bad, sheetwrite.Sheet{Name: "Metadata", Rows: [][]any{{"Varible name", "Description"}, {"RO5_x_empl", "x"}}})
	var le *sources.LayoutError
	if _, err := readTSMetadata(bad, "m.ods"); !errors.As(err, &le) || !strings.Contains(err.Error(), "Varible name") {
		t.Fatalf("%v", err)
	}
}

// TestWorkbookAndTimeSeriesAgree reads the demo's 2024-25 workbook and the time series, written
// from the same figures, through both readers and compares every value both hold.
func TestWorkbookAndTimeSeriesAgree(t *testing.T) {
	s, err := demo.Generate()
	if err != nil {
		t.Fatal(err)
	}
	find := func(suffix string) string {
		t.Helper()
		for k, f := range s.Files {
			if strings.HasSuffix(k, suffix) {
				p := filepath.Join(t.TempDir(), suffix)
				os.WriteFile(p, f.Body, 0o644)
				return p
			}
		}
		t.Fatalf("no %s in the sample", suffix)
		return ""
	}
	book, err := openRO5(find("RO5_LA_Data_2024-25_data_by_LA.ods"), "RO5_LA_Data_2024-25_data_by_LA.ods")
	if err != nil {
		t.Fatal(err)
	}
	type key struct{ ons, line, code string }
	wb := map[key]amount{}
	book.stream(context.Background(), func(r ro5Record) error {
		if r.Line != "" {
			wb[key{r.ONSCode, r.Line, r.Code}] = r.Amount
		}
		return nil
	})
	entries, err := readTSMetadata(find("Revenue_Outturn_metadata.ods"), "meta.ods")
	if err != nil {
		t.Fatal(err)
	}
	dict := map[string]string{}
	for _, e := range entries {
		dict[e.col.name] = e.line
	}
	compared := 0
	err = readTimeSeries(context.Background(), find("Revenue_Outturn_time_series_data_v3.1.csv"), "ts.csv", func(r tsRecord) error {
		if r.fy != "2024-25" || r.col.form != "RO5" || dict[r.col.name] == "" {
			return nil
		}
		w, ok := wb[key{r.ons, dict[r.col.name], r.col.code}]
		if !ok || !w.Valid || !r.amount.Valid {
			return nil
		}
		compared++
		if w.Value != r.amount.Value {
			t.Errorf("%s %s: workbook %v, time series %v", r.ons, r.col.name, w.Value, r.amount.Value)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if compared < 1000 {
		t.Fatalf("only %d values compared", compared)
	}
}
