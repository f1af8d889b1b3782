package filetype_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/filetype"
	"github.com/cornerstone-data/cornerstone/internal/sheets/sheetwrite"
	"github.com/cornerstone-data/cornerstone/internal/sheets/xlswrite"
)

// head returns the first HeadSize bytes of b.
func head(b []byte) []byte { return b[:min(len(b), filetype.HeadSize)] }

// Files the real writers make are told apart, with what their zip packages hold.
func TestDetectWrittenFiles(t *testing.T) {
	dir := t.TempDir()
	sheet := sheetwrite.Sheet{Name: "Data", Rows: [][]any{{"area", "visits"}, {"E06000001", 12}}}
	xlsxPath := filepath.Join(dir, "a.xlsx")
	if err := sheetwrite.WriteXLSX(xlsxPath, sheet); err != nil {
		t.Fatal(err)
	}
	xlsx, err := os.ReadFile(xlsxPath)
	if err != nil {
		t.Fatal(err)
	}
	ods, err := sheetwrite.ODS(sheet)
	if err != nil {
		t.Fatal(err)
	}
	xls, err := xlswrite.Book{Sheets: []xlswrite.Sheet{{Name: "Data", Rows: [][]any{{"area"}, {"E06000001"}}}}}.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	docx := sheetwrite.ZipPackage("[Content_Types].xml", "<Types/>", "word/document.xml", "<document/>")
	for _, tc := range []struct {
		name string
		body []byte
		typ  filetype.Type
		pkg  filetype.Package
		says string
	}{
		{"xlsx", xlsx, filetype.Zip, filetype.OfficeOpenXML, "an Office Open XML file (XLSX?)"},
		{"ods", ods, filetype.Zip, filetype.OpenDocument, "an OpenDocument file (ODS?)"},
		{"docx", docx, filetype.Zip, filetype.OfficeOpenXML, "an Office Open XML file (XLSX?)"},
		{"other zip", sheetwrite.ZipPackage("readme.txt", "hello"), filetype.Zip, filetype.UnknownPackage, "a zip archive"},
		{"xls", xls, filetype.OLE2, filetype.UnknownPackage, "an OLE2 file (legacy XLS?)"},
	} {
		h := head(tc.body)
		if got := filetype.Detect(h); got != tc.typ {
			t.Errorf("%s: Detect %v, want %v", tc.name, got, tc.typ)
		}
		if got := filetype.ZipPackage(h); got != tc.pkg {
			t.Errorf("%s: ZipPackage %v, want %v", tc.name, got, tc.pkg)
		}
		if got := filetype.Describe(h); got != tc.says {
			t.Errorf("%s: Describe %q, want %q", tc.name, got, tc.says)
		}
	}
}

func TestDetectOpenings(t *testing.T) {
	for _, tc := range []struct {
		head string
		want filetype.Type
	}{
		{"", filetype.Empty},
		{"PK\x05\x06" + strings.Repeat("\x00", 18), filetype.EmptyZip},
		{"PK\x03\x04\x14\x00", filetype.Zip}, // truncated header: still a zip
		{"\x09\x04\x06\x00\x00\x00\x10\x00", filetype.OldExcel},
		{"\xff\xfea\x00,\x00b\x00", filetype.UTF16},
		{"\xfe\xff\x00a", filetype.UTF16},
		{"%PDF-1.7\n", filetype.PDF},
		{"\xEF\xBB\xBF \r\n\t<!DOCTYPE HTML><html>", filetype.HTML},
		{"\n<Body>", filetype.HTML},
		{"<?xml version=\"1.0\"?>\n<!-- c -->\n<html xmlns=\"http://www.w3.org/1999/xhtml\">", filetype.HTML},
		{"<!-- <html>", filetype.Text}, // an unterminated comment hides nothing
		{`<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>`, filetype.XML},
		{"<?XML version='1.0'?><message:Structure>", filetype.XML},
		{"\xEF\xBB\xBF \n{\"a\":1}", filetype.JSON},
		{"[1]", filetype.JSON},
		{"a,b\x00\n", filetype.Binary},
		{"a,b\n1,2\n", filetype.Text},
		{"\xEF\xBB\xBFarea,visits\n", filetype.Text},
	} {
		if got := filetype.Detect([]byte(tc.head)); got != tc.want {
			t.Errorf("Detect(%q) = %v, want %v", tc.head, got, tc.want)
		}
	}
}

// The real published files in ../shared/reference are what their extensions say.
func TestDetectReferenceFiles(t *testing.T) {
	ref, ok := config.ReferenceDir(filepath.Join("..", ".."))
	if !ok {
		t.Skip("../shared/reference is absent (set CORNERSTONE_REFERENCE): skipping detection of the real published files")
	}
	want := map[string]filetype.Type{".xlsx": filetype.Zip, ".ods": filetype.Zip, ".csv": filetype.Text, ".json": filetype.JSON}
	pkg := map[string]filetype.Package{".xlsx": filetype.OfficeOpenXML, ".ods": filetype.OpenDocument}
	n := 0
	err := filepath.WalkDir(ref, func(p string, d os.DirEntry, err error) error {
		ext := strings.ToLower(filepath.Ext(p))
		if _, known := want[ext]; err != nil || d.IsDir() || !known {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		b := make([]byte, filetype.HeadSize)
		k, _ := f.Read(b)
		n++
		if got := filetype.Detect(b[:k]); got != want[ext] {
			t.Errorf("%s: Detect %v, want %v", filepath.Base(p), got, want[ext])
		}
		if got := filetype.ZipPackage(b[:k]); pkg[ext] != 0 && got != pkg[ext] {
			t.Errorf("%s: ZipPackage %v, want %v", filepath.Base(p), got, pkg[ext])
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("walking %s: %v (%d files)", ref, err, n)
	}
}

// FuzzDetect: any bytes get a type, a package and a description, never a panic.
func FuzzDetect(f *testing.F) {
	f.Add([]byte("PK\x03\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\x00\x00\x00\x00\x08\x00\xff\xffmimetype"))
	f.Add([]byte("<?xml version=\"1.0\"?><!--"))
	f.Add([]byte("\x09\x00\x04\x00"))
	f.Add([]byte("\xEF\xBB\xBF[1]"))
	f.Fuzz(func(t *testing.T, head []byte) {
		typ := filetype.Detect(head)
		if typ < filetype.Empty || typ > filetype.Text {
			t.Fatalf("Detect returned %d", typ)
		}
		if p := filetype.ZipPackage(head); p != filetype.UnknownPackage && typ != filetype.Zip {
			t.Errorf("a package (%v) in a %v", p, typ)
		}
		if filetype.Describe(head) == "" {
			t.Error("empty description")
		}
	})
}
