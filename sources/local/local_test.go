package local

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/sources"
)

var testTemplate = Template{Name: "test", Source: "test-source", Title: "Test", Columns: []Column{
	{Name: "area_code", Type: Area, Required: true, Example: "E06000065"},
	{Name: "period_start", Type: Date, Required: true, Example: "2024-04-01"},
	{Name: "measure", Type: Choice, Required: true, Choices: []string{"visits", "loans"}, Example: "visits"},
	{Name: "value", Type: Integer, Required: true, Example: "1204"},
	{Name: "note", Type: Text},
}}

type testRow struct {
	AreaCode    string `csv:"area_code"`
	PeriodStart string `csv:"period_start"`
	Measure     string `csv:"measure"`
	Value       int64  `csv:"value"`
	Note        string `csv:"note"`
}

func TestDecodeReportsEveryBadCell(t *testing.T) {
	body := "area_code,period_start,measure,value,note\n" +
		"E06000065,2024-04-01,visits,\"1,204\",ok\n" +
		"E6000065,2024-04-01,visits,10,bad code\n" +
		"E06000065,01/04/2024,visits,10,bad date\n" +
		"E06000065,2024-04-01,footfall,ten,bad choice and number\n"
	_, err := Decode[testRow](testTemplate, "return.csv", []byte(body))
	var ve *sources.ValidationError
	if !errors.As(err, &ve) || !errors.Is(err, sources.ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
	want := []struct {
		row int
		col string
	}{{3, "area_code"}, {4, "period_start"}, {5, "measure"}, {5, "value"}}
	if len(ve.Problems) != len(want) {
		t.Fatalf("problems:\n%v", err)
	}
	for i, w := range want {
		if ve.Problems[i].Row != w.row || ve.Problems[i].Column != w.col {
			t.Errorf("problem %d = %+v, want row %d column %s", i, ve.Problems[i], w.row, w.col)
		}
	}
}

func TestDecodeGoodReturn(t *testing.T) {
	var buf bytes.Buffer
	if err := testTemplate.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := Decode[testRow](testTemplate, "t.csv", buf.Bytes())
	if err != nil || len(rows) != 1 || rows[0].Value != 1204 || rows[0].AreaCode != "E06000065" {
		t.Fatalf("%v %+v", err, rows)
	}
}

func TestDecodeHeaderProblems(t *testing.T) {
	_, err := Decode[testRow](testTemplate, "t.csv", []byte("area_code,period_strat,measure,value\n"))
	if err == nil || !strings.Contains(err.Error(), `did you mean "period_start"`) || !strings.Contains(err.Error(), "required column missing") {
		t.Fatalf("%v", err)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte("area_code,period_start,measure,value,note\nE06000065,2024-04-01,visits,1,x\n"))
	f.Add([]byte("\ufeffa,b\n\"x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = Decode[testRow](testTemplate, "f.csv", b)
	})
}
