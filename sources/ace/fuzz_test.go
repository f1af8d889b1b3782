package ace

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func fuzzFile(t *testing.T, b []byte) string {
	p := filepath.Join(t.TempDir(), "f.csv")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func FuzzInvestmentProgramme(f *testing.F) {
	f.Add([]byte("Applicant Name,\"Type of organisation\n(NPO/IPSO/Transfer)\",2023-26 Annual Funding (Offered 4 Nov 2022),Main Discipline,ACE Area,Local authority,Levelling Up For Culture Place,Priority Place\r\n" +
		"1927,NPO,\"£217,000\",Theatre,South East,Thanet,Non-LUCP,Non-Priority place\r\n,,,,,,,\r\n"))
	f.Add([]byte("Applicant Name,Local authority\n"))
	f.Add([]byte("PK\x03\x04garbage"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = readInvestmentProgramme(context.Background(), fuzzFile(t, b), "f.csv", nil, func(string, int, ...any) error { return nil })
	})
}

func FuzzProjectGrants(f *testing.F) {
	f.Add([]byte("Project Grants\r\nDEMO\r\nRecipient,Activity name,Award amount,Award date,Decision Month,Decision quarter,ACE Area,Local authority,Main discipline,Strand,Time-Limited Priority,\r\n" +
		"Dominic Bouffard,Art Show at  Gallery 46,23336,2024-04-02 00:00:00,April,Q1,London,Southwark,Visual arts,\"£30,000 and below\",,\r\n"))
	f.Add([]byte("Recipient,Award amount,Award date,Local authority\nx,1,31/02/2024,y\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_ = readProjectGrants(context.Background(), fuzzFile(t, b), "f.csv", nil, func(string, string, int, pgRow) error { return nil })
	})
}

func TestPGParseDate(t *testing.T) {
	for in, want := range map[string]string{"2024-04-02 00:00:00": "2024-04-02", "2024-04-02": "2024-04-02",
		"2024-04-02T00:00:00": "2024-04-02", "02/04/2024": "2024-04-02"} {
		d, err := pgParseDate(in)
		if err != nil || d.Format(time.DateOnly) != want {
			t.Errorf("%q: %v %v", in, d, err)
		}
	}
	for _, in := range []string{"", "2024-13-01", "April 2024", "2024-04-02x"} {
		if _, err := pgParseDate(in); err == nil {
			t.Errorf("%q parsed", in)
		}
	}
}

func TestPGSlug(t *testing.T) {
	if got := pgSlug("Project Grants data 2023-2025 (XLSX, 61 KB)"); got != "2023-2025" {
		t.Errorf("slug = %q", got)
	}
}
