package sheets

import (
	"encoding/csv"
	"errors"
	"strings"
	"testing"
)

func TestCSV(t *testing.T) {
	data := "\xef\xbb\xbfCode,Name,\"Type of organisation\r\n(NPO/IPSO/Transfer)\",All ages\r\n" +
		"E06000001,Hartlepool,\"£217,000\",92571\r\n" +
		"\r\n" +
		"E06000002,\"Middles\"\"brough\",,\r\n" +
		",,,\r\n" +
		"bad\xff\xfeutf8,\"multi\nline\",x\n" +
		"last,no newline"
	wb, err := openBytes("mye.csv", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	if wb.Format() != FormatCSV || len(wb.Sheets()) != 1 || wb.Sheets()[0] != "" {
		t.Fatalf("format %v sheets %q", wb.Format(), wb.Sheets())
	}
	got, err := readSheet(wb, "")
	if err != nil {
		t.Fatal(err)
	}
	compareRows(t, got, []row{
		r(1, S("Code"), S("Name"), S("Type of organisation\n(NPO/IPSO/Transfer)"), S("All ages")),
		r(3, S("E06000001"), S("Hartlepool"), S("£217,000"), S("92571")),
		r(5, S("E06000002"), S(`Middles"brough`)),
		r(7, S("bad\uFFFDutf8"), S("multi\nline"), S("x")),
		r(9, S("last"), S("no newline")),
	})
}

func TestCSVErrors(t *testing.T) {
	_, err := readSheetOf("bare.csv", []byte("a,b\nc,d\"e\n"), "")
	var perr *csv.ParseError
	if !errors.Is(err, ErrCorrupt) || !errors.As(err, &perr) || perr.Line != 2 {
		t.Errorf("bare quote: error %v, want ErrCorrupt wrapping a csv.ParseError on line 2", err)
	}
	if _, err := readSheetOf("open.csv", []byte("a,\"b\n"), ""); !errors.Is(err, ErrCorrupt) {
		t.Errorf("unterminated quote: error %v, want ErrCorrupt", err)
	}
	wide := strings.Repeat("x,", 30) + "x\n"
	if _, err := readSheetOf("wide.csv", []byte(wide), "", WithLimits(Limits{MaxRowCells: 10})); !errors.Is(err, ErrTooLarge) {
		t.Errorf("wide: error %v, want ErrTooLarge", err)
	}
	if _, err := readSheetOf("big.csv", []byte(strings.Repeat("abc\n", 1000)), "", WithLimits(Limits{MaxUncompressed: 100})); !errors.Is(err, ErrTooLarge) {
		t.Errorf("long: error %v, want ErrTooLarge", err)
	}
	if rows, err := readSheetOf("empty.csv", nil, ""); err != nil || len(rows) != 0 {
		t.Errorf("empty file: %v, %v", rows, err)
	}
}
