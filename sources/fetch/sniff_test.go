package fetch

import (
	"errors"
	"strings"
	"testing"
)

func TestSniff(t *testing.T) {
	xlsx, ods, odsDescriptor := xlsxBody(t), odsBody(t, false), odsBody(t, true)
	ole2 := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 100)...)
	tests := []struct {
		name   string
		expect Kind
		ct     string
		head   string
		want   error
	}{
		{"doctype after BOM and whitespace", KindAny, "", "\xEF\xBB\xBF \r\n\t<!DOCTYPE HTML><html>", ErrHTML},
		{"upper-case html", KindCSV, "text/csv", "<HTML><BODY>", ErrHTML},
		{"head", KindCSV, "", "<head><title>x</title>", ErrHTML},
		{"body", KindJSON, "", "\n<Body>", ErrHTML},
		{"xml declaration and comment before html", KindAny, "", "<?xml version=\"1.0\"?>\n<!-- c -->\n<html xmlns=\"http://www.w3.org/1999/xhtml\">", ErrHTML},
		{"unterminated comment", KindAny, "", "<!-- <html>", nil},
		{"SDMX XML is not HTML", KindAny, "application/xml", "<?xml version=\"1.0\"?><message:Structure>", nil},
		{"text/html Content-Type with CSV bytes", KindCSV, "text/html; charset=UTF-8", "a,b\n1,2\n", ErrHTML},
		{"XHTML Content-Type", KindAny, "application/xhtml+xml", "whatever", ErrHTML},
		{"bad Content-Type parameters still parsed", KindAny, "TEXT/HTML; charset", "x", ErrHTML},
		{"text/html Content-Type with XLSX bytes (misconfigured server)", KindXLSX, "text/html", string(xlsx), nil},
		{"text/html Content-Type with XLSX bytes and KindAny", KindAny, "text/html", string(xlsx), ErrHTML},
		{"CSV", KindCSV, "text/csv", "a,b\n1,2\n", nil},
		{"CSV with BOM", KindCSV, "", "\xEF\xBB\xBFa,b\n", nil},
		{"CSV with NUL bytes", KindCSV, "", "a,b\x00\n", ErrUnexpectedFormat},
		{"UTF-16 CSV", KindCSV, "", "\xFF\xFEa\x00,\x00b\x00", nil},
		{"zip where CSV expected", KindCSV, "", string(xlsx), ErrUnexpectedFormat},
		{"XLSX", KindXLSX, "", string(xlsx), nil},
		{"ODS where XLSX expected", KindXLSX, "", string(ods), ErrUnexpectedFormat},
		{"ODS with data descriptor where XLSX expected", KindXLSX, "", string(odsDescriptor), ErrUnexpectedFormat},
		{"ODS", KindODS, "", string(ods), nil},
		{"XLSX where ODS expected", KindODS, "", string(xlsx), ErrUnexpectedFormat},
		{"CSV where XLSX expected", KindXLSX, "", "a,b\n", ErrUnexpectedFormat},
		{"zip", KindZip, "application/zip", string(ods), nil},
		{"truncated zip header", KindXLSX, "", "PK\x03\x04\x14\x00", nil},
		{"XLS", KindXLS, "", string(ole2), nil},
		{"XLSX where XLS expected", KindXLS, "", string(xlsx), ErrUnexpectedFormat},
		{"JSON object", KindJSON, "application/json", "\xEF\xBB\xBF \n{\"a\":1}", nil},
		{"JSON array", KindJSON, "", "[1]", nil},
		{"JSON under text/html", KindJSON, "text/html", "{}", nil},
		{"not JSON", KindJSON, "", "a,b", ErrUnexpectedFormat},
		{"PDF where anything expected", KindAny, "", "%PDF-1.7", nil},
		{"page accepts HTML", kindPage, "text/html", "<html>", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := sniff(tt.expect, tt.ct, []byte(tt.head))
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("sniff(%v, %q, %.20q) = %v, want %v", tt.expect, tt.ct, tt.head, err, tt.want)
			}
			if errors.Is(err, ErrHTML) && errors.Is(err, ErrUnexpectedFormat) {
				t.Error("error matches both ErrHTML and ErrUnexpectedFormat")
			}
		})
	}
}

func TestSniffMessages(t *testing.T) {
	err := sniff(KindXLSX, "text/html", []byte("<html><head><TITLE>\n  Sign in |  Arts Council\n</TITLE>"))
	if err == nil || !strings.Contains(err.Error(), `"Sign in | Arts Council"`) {
		t.Errorf("HTML error %v does not quote the page title", err)
	}
	err = sniff(KindXLSX, "", odsBody(t, false))
	if err == nil || !strings.Contains(err.Error(), "expected XLSX, got an OpenDocument file") {
		t.Errorf("format error %v does not say what arrived", err)
	}
	err = sniff(KindXLS, "", []byte("%PDF-1.4"))
	if err == nil || !strings.Contains(err.Error(), "got a PDF") {
		t.Errorf("format error %v does not say what arrived", err)
	}
}

func TestKindFromName(t *testing.T) {
	tests := map[string]Kind{
		"mye24tablesew.xlsx":                      KindXLSX,
		"DATA.CSV":                                KindCSV,
		"funding.ods":                             KindODS,
		"legacy.xls":                              KindXLS,
		"https://example.com/api/items.json?p=2":  KindJSON,
		"https://example.com/bulk.zip#frag":       KindZip,
		"https://example.com/download?file=a.csv": KindAny,
		"README":         KindAny,
		"archive.tar.gz": KindAny,
		"":               KindAny,
	}
	for name, want := range tests {
		if got := KindFromName(name); got != want {
			t.Errorf("KindFromName(%q) = %v, want %v", name, got, want)
		}
	}
}

func FuzzSniff(f *testing.F) {
	f.Add(0, "", []byte("<!doctype html>"))
	f.Add(1, "text/csv", []byte("a,b\n"))
	f.Add(2, "text/html", xlsxBody(f))
	f.Add(3, "", odsBody(f, true))
	f.Add(4, "", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	f.Add(5, "application/json; charset=", []byte("\xEF\xBB\xBF[1]"))
	f.Add(2, "", []byte("PK\x03\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\x00\x00\x00\x00\x08\x00\xff\xffmimetype"))
	f.Add(0, "", []byte("<html><title>\xff\xfe</title>"))
	f.Fuzz(func(t *testing.T, kind int, contentType string, head []byte) {
		k := Kind(kind%8 - 1) // kindPage through KindZip
		err := sniff(k, contentType, head)
		if err != nil && !errors.Is(err, ErrHTML) && !errors.Is(err, ErrUnexpectedFormat) {
			t.Errorf("sniff returned an unexpected error: %v", err)
		}
		if k == kindPage && err != nil {
			t.Errorf("page sniff failed: %v", err)
		}
		_ = KindFromName(contentType)
	})
}
