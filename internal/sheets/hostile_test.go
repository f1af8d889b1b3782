package sheets

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/sheets/sheetwrite"
)

// zipOf returns a zip of name, content pairs, every entry stored (not compressed) when store.
func zipOf(t *testing.T, store bool, nameContent ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(nameContent); i += 2 {
		method := zip.Deflate
		if store {
			method = zip.Store
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: nameContent[i], Method: method})
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, nameContent[i+1])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func xlsxParts(sst, sheet string) []string {
	workbook := `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">` +
		`<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>`
	return []string{
		"_rels/.rels", xlsxRels,
		"xl/workbook.xml", workbook,
		"xl/_rels/workbook.xml.rels", xlsxWorkbookRels,
		"xl/sharedStrings.xml", sst,
		"xl/worksheets/sheet1.xml", worksheet(sheet),
	}
}

// A stored sheet altered after the file was written (its CRC-32 not updated) fails naming the
// entry, even though the reader would have stopped before the altered byte's end of the entry.
func TestZipChecksumIsVerified(t *testing.T) {
	sst := `<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Name</t></si></sst>`
	good := zipOf(t, true, xlsxParts(sst, `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><v>42</v></c></row>`)...)
	rows := mustRead(t, "good.xlsx", good, "Data")
	if len(rows) != 1 || rows[0].Cells[1].Value != "42" {
		t.Fatalf("the unaltered file reads %v", rows)
	}
	bad := bytes.Replace(good, []byte("<v>42</v>"), []byte("<v>43</v>"), 1)
	if bytes.Equal(bad, good) {
		t.Fatal("the sheet is not stored verbatim")
	}
	wb, err := openBytes("altered.xlsx", bad)
	if err == nil {
		_, err = readSheet(wb, "Data")
		wb.Close()
	}
	if !errors.Is(err, ErrCorrupt) || !errors.Is(err, zip.ErrChecksum) || !strings.Contains(err.Error(), `"xl/worksheets/sheet1.xml"`) {
		t.Errorf("altered sheet: %v, want ErrCorrupt naming the entry and its checksum", err)
	}
	// An entry whose header records no checksum at all is checked too.
	zeroed := append([]byte(nil), bad...)
	zr, _ := zip.NewReader(bytes.NewReader(good), int64(len(good)))
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			var crc [4]byte
			crc[0], crc[1], crc[2], crc[3] = byte(f.CRC32), byte(f.CRC32>>8), byte(f.CRC32>>16), byte(f.CRC32>>24)
			zeroed = bytes.ReplaceAll(zeroed, crc[:], []byte{0, 0, 0, 0})
		}
	}
	wb, err = openBytes("zeroed.xlsx", zeroed)
	if err == nil {
		_, err = readSheet(wb, "Data")
		wb.Close()
	}
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("altered sheet with no recorded checksum: %v, want ErrCorrupt", err)
	}
}

// Shared strings count toward the reading limits: their text toward MaxSharedStrings, each string
// toward MaxCells; and a shared string table that inflates far more than any real one is refused
// when the workbook is opened, before it is read.
func TestSharedStringsCountTowardLimits(t *testing.T) {
	var sst strings.Builder
	sst.WriteString(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	for range 1000 {
		sst.WriteString(`<si><t>shared text</t></si>`)
	}
	sst.WriteString(`</sst>`)
	data := zipOf(t, false, xlsxParts(sst.String(), `<row r="1"><c r="A1" t="s"><v>0</v></c></row>`)...)
	if rows := mustRead(t, "ok.xlsx", data, "Data"); len(rows) != 1 || rows[0].Cells[0].Value != "shared text" {
		t.Fatalf("reads %v", rows)
	}
	for _, l := range []Limits{{MaxSharedStrings: 5000}, {MaxCells: 500}} {
		wb, err := openBytes("big.xlsx", data, WithLimits(l))
		if err == nil {
			_, err = readSheet(wb, "Data")
			wb.Close()
		}
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("%+v: %v, want ErrTooLarge", l, err)
		}
	}

	bomb := strings.Repeat(`<si><t>a</t></si>`, (20<<20)/17)
	data = zipOf(t, false, xlsxParts(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`+bomb+`</sst>`, ``)...)
	_, err := openBytes("amplified.xlsx", data)
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "sharedStrings.xml") || !strings.Contains(err.Error(), "MaxInflateRatio") {
		t.Errorf("a %d-byte workbook inflating to 20 MiB of shared strings: %v, want ErrTooLarge naming the entry", len(data), err)
	}
}

// CSVReader returns every field as written, without the byte order marks of files joined end to
// end, and refuses a record longer than MaxRecordBytes before reading the rest of it.
func TestCSVReader(t *testing.T) {
	r := NewCSVReader(strings.NewReader("\ufeffa,b,\n1,,3\n\ufeffx,\ufeffy,z\n"))
	var got [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, rec)
	}
	want := [][]string{{"a", "b", ""}, {"1", "", "3"}, {"x", "y", "z"}}
	if len(got) != len(want) || strings.Join(got[0], "|") != "a|b|" || strings.Join(got[2], "|") != "x|y|z" || strings.Join(got[1], "|") != "1||3" {
		t.Errorf("got %q, want %q", got, want)
	}

	line := &countingReader{r: io.MultiReader(strings.NewReader("h\n"), strings.NewReader(strings.Repeat("x", 64<<20)))}
	r = NewCSVReader(line, WithLimits(Limits{MaxRecordBytes: 1 << 20}))
	_, err := r.Read()
	if err == nil {
		_, err = r.Read()
	}
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "MaxRecordBytes") {
		t.Errorf("a 64 MiB line: %v, want ErrTooLarge", err)
	}
	if line.n > 4<<20 {
		t.Errorf("read %d bytes of a 64 MiB line before refusing it with a 1 MiB limit", line.n)
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// BenchmarkReadXLSX reads a 50,000-row, 8-column XLSX sheet (numbers and shared strings): what the
// checksum pass (every entry inflated once more before it is parsed) costs on a large workbook.
func BenchmarkReadXLSX(b *testing.B) {
	rows := make([][]any, 50_000)
	for i := range rows {
		rows[i] = []any{fmt.Sprintf("E%08d", i), "Council " + strconv.Itoa(i%400), i, float64(i) * 1.5, "text", i % 7, "more text " + strconv.Itoa(i%50), 3.25}
	}
	path := filepath.Join(b.TempDir(), "big.xlsx")
	if err := sheetwrite.WriteXLSX(path, sheetwrite.Sheet{Name: "Data", Rows: rows}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		wb, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		r, err := wb.Rows("Data")
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for r.Next() {
			n++
		}
		if r.Err() != nil || n != len(rows) {
			b.Fatalf("%d rows, %v", n, r.Err())
		}
		r.Close()
		wb.Close()
	}
}
