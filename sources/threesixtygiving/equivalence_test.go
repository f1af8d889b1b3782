package threesixtygiving_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/internal/warehouse"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/funding"
	"github.com/cornerstone-data/cornerstone/sources/sourcestest"
	"github.com/cornerstone-data/cornerstone/sources/threesixtygiving"
)

// recordDigests prints the digests instead of checking them (to record them after a deliberate
// change of behaviour; never needed for a change of speed).
var recordDigests = flag.Bool("record-digests", false, "print the load digests of TestLoadDigests instead of checking them")

// loadDigests are the contents of raw.threesixtygiving_grants after loading each file, recorded
// with the single-goroutine reader and the Appender (commit dba9a97, before the ingest was made
// faster): the row count, an MD5 of every column of every row in _row order, and one in the
// table's physical order (rowid), which must be the file's order. The same digests hold with and
// without the duckdb_arrow tag.
var loadDigests = map[string]string{
	"demo-2024-07-01.csv":        "rows=43 by_row=8b2fc256a81a2b44b0619579212e5595 by_rowid=8b2fc256a81a2b44b0619579212e5595",
	"demo-2024-07-01.json":       "rows=43 by_row=c380233c80959844658dfa3ff3ef5666 by_rowid=c380233c80959844658dfa3ff3ef5666",
	"demo-2024-07-01.xlsx":       "rows=43 by_row=1bccc525bb24e77d6124ccd24fcb1ad7 by_rowid=1bccc525bb24e77d6124ccd24fcb1ad7",
	"err-after-batches.csv":      "error: loading threesixtygiving release file/err-after-batches.csv@2025-07-01 from err-after-batches.csv: err-after-batches.csv cell H389842 (\"2023-02-29\"): not a date (want YYYY-MM-DD or an ISO 8601 date-time)",
	"err-late-amount.csv":        "error: loading threesixtygiving release file/err-late-amount.csv@2025-07-01 from err-late-amount.csv: err-late-amount.csv cell E49825 (\"12O0\"): \"12O0\": not a number",
	"err-late-date.csv":          "error: loading threesixtygiving release file/err-late-date.csv@2025-07-01 from err-late-date.csv: err-late-date.csv cell H53822 (\"2024-13-01\"): not a date (want YYYY-MM-DD or an ISO 8601 date-time)",
	"err-no-amount.csv":          "error: loading threesixtygiving release file/err-no-amount.csv@2025-07-01 from err-no-amount.csv: err-no-amount.csv cell E44900: a grant without an Amount Awarded",
	"err-no-identifier.csv":      "error: loading threesixtygiving release file/err-no-identifier.csv@2025-07-01 from err-no-identifier.csv: err-no-identifier.csv cell A33698: a grant without an Identifier",
	"err-same-row.csv":           "error: loading threesixtygiving release file/err-same-row.csv@2025-07-01 from err-same-row.csv: err-same-row.csv cell E40432 (\"many\"): \"many\": not a number",
	"err-syntax-after-cell.csv":  "error: loading threesixtygiving release file/err-syntax-after-cell.csv@2025-07-01 from err-syntax-after-cell.csv: err-syntax-after-cell.csv cell E26940 (\"££\"): \"££\": not a number",
	"err-syntax-before-cell.csv": "error: loading threesixtygiving release file/err-syntax-before-cell.csv@2025-07-01 from err-syntax-before-cell.csv: reading err-syntax-before-cell.csv after row 22920: corrupt or truncated workbook: parse error on line 22923, column 17: bare \" in non-quoted-field",
	"err-two-chunks-reverse.csv": "error: loading threesixtygiving release file/err-two-chunks-reverse.csv@2025-07-01 from err-two-chunks-reverse.csv: err-two-chunks-reverse.csv cell E24261 (\"1.2.3\"): \"1.2.3\": not a number",
	"err-two-chunks.csv":         "error: loading threesixtygiving release file/err-two-chunks.csv@2025-07-01 from err-two-chunks.csv: err-two-chunks.csv cell H24261 (\"31/31/2020\"): not a date (want YYYY-MM-DD or an ISO 8601 date-time)",
	"messy-40000-spaced.csv":     "rows=40000 by_row=981c75dabb1ae3863ad9997c2a6f9c9e by_rowid=981c75dabb1ae3863ad9997c2a6f9c9e",
	"messy-40000.csv":            "rows=40000 by_row=073a523faf0321e723ac819c57d07205 by_rowid=073a523faf0321e723ac819c57d07205",
	"national-300000.csv":        "rows=300000 by_row=22c85e46465b6353514cc68a193517fe by_rowid=22c85e46465b6353514cc68a193517fe",
}

// TestLoadDigests loads the demo fixtures (CSV, XLSX, JSON), 300,000 national grants (several
// Arrow batches) and a messy CSV of 40,000 grants (every number, marker, date and location form the reader accepts, quoted
// line breaks, blank and short records, invalid UTF-8, duplicate and unknown columns, a title row)
// and checks raw.threesixtygiving_grants against the recorded digests; then files with bad cells
// late in the file, in two batches (the first in file order wins) and around CSV syntax errors
// must fail with the recorded message and change no table, also after batches were streamed.
func TestLoadDigests(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 800,000 grants")
	}
	dir := t.TempDir()
	files := map[string]string{}
	write := func(name string, body []byte) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
		files[name] = p
	}
	grants := demo.DemoGrants(demo.SampleAreas, "GB-CHC-1036733", "Arts Council England", "360G-ACE", "Test programme", 2, 2023)
	for _, f := range []struct {
		name string
		body func() ([]byte, error)
	}{
		{"demo-2024-07-01.csv", func() ([]byte, error) { return demo.GrantsCSV(grants, demo.FlatSpaced) }},
		{"demo-2024-07-01.xlsx", func() ([]byte, error) { return demo.GrantsXLSX(grants, demo.FlatIndexed) }},
		{"demo-2024-07-01.json", func() ([]byte, error) { return demo.GrantsJSON(grants) }},
	} {
		b, err := f.body()
		if err != nil {
			t.Fatal(err)
		}
		write(f.name, b)
	}
	national, _, err := demo.NationalGrantsCSV(filepath.Join(dir, "gen"), demo.NationalAreas(), 300_000)
	if err != nil {
		t.Fatal(err)
	}
	files["national-300000.csv"] = national
	write("messy-40000.csv", messyCSV(40_000, nil, false))
	write("messy-40000-spaced.csv", messyCSV(40_000, nil, true))
	write("err-late-amount.csv", messyCSV(40_000, map[int]string{37_000: "amount:12O0"}, false))
	write("err-after-batches.csv", messyCSV(300_000, map[int]string{290_000: "date:2023-02-29"}, false))
	write("err-late-date.csv", messyCSV(40_000, map[int]string{39_990: "date:2024-13-01"}, false))
	write("err-two-chunks.csv", messyCSV(40_000, map[int]string{18_000: "date:31/31/2020", 35_000: "amount:abc"}, false))
	write("err-two-chunks-reverse.csv", messyCSV(40_000, map[int]string{18_000: "amount:1.2.3", 35_000: "date:yesterday"}, false))
	write("err-same-row.csv", messyCSV(40_000, map[int]string{30_000: "both"}, false))
	write("err-no-identifier.csv", messyCSV(40_000, map[int]string{25_000: "noid"}, false))
	write("err-no-amount.csv", messyCSV(40_000, map[int]string{33_333: "amount:[x]"}, false))
	write("err-syntax-after-cell.csv", messyCSV(40_000, map[int]string{20_000: "amount:££", 36_000: "syntax"}, false))
	write("err-syntax-before-cell.csv", messyCSV(40_000, map[int]string{17_000: "syntax", 36_000: "amount:££"}, false))

	got := map[string]string{}
	for name, p := range files {
		env := sourcestest.Env(t)
		before := sourcestest.Stats(t, env)
		res, err := sourcestest.Ingest(t, env, threesixtygiving.Source{}, p, sources.Options{Dataset: "file/" + name, Vintage: "2025-07-01"})
		if err == nil {
			err = res.Err()
		}
		if err != nil {
			got[name] = "error: " + strings.ReplaceAll(err.Error(), p, "$FILE")
			sourcestest.Unchanged(t, before, sourcestest.Stats(t, env))
			continue
		}
		got[name] = tableDigest(t, env.DB)
	}
	if *recordDigests {
		for _, name := range slices.Sorted(maps.Keys(loadDigests)) {
			fmt.Printf("\t%q: %q,\n", name, got[name])
		}
		return
	}
	for name, want := range loadDigests {
		if got[name] != want {
			t.Errorf("%s:\n got %s\nwant %s", name, got[name], want)
		}
	}
}

// tableDigest is the row count and MD5s of raw.threesixtygiving_grants (every column, NULL
// spelled apart from any text) in _row order and in physical order.
func tableDigest(t *testing.T, db *warehouse.DB) string {
	t.Helper()
	var cols []string
	for _, c := range sources.WithLineage(funding.GrantsTable).Columns {
		cols = append(cols, fmt.Sprintf("coalesce(CAST(%s AS VARCHAR), '<NULL>')", warehouse.Ident(c.Name)))
	}
	row := strings.Join(cols, " || '|' || ")
	var n int
	var byRow, byRowid string
	q := fmt.Sprintf(`SELECT count(*), md5(coalesce(string_agg(%[1]s, chr(10) ORDER BY _row, grant_id), '')),
		md5(coalesce(string_agg(%[1]s, chr(10) ORDER BY rowid), '')) FROM raw.threesixtygiving_grants`, row)
	if err := db.QueryRow(context.Background(), q).Scan(&n, &byRow, &byRowid); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("rows=%d by_row=%s by_rowid=%s", n, byRow, byRowid)
}

// messyCSV writes n grants in a flattened CSV exercising every form the reader accepts. faults
// maps a grant's index to a fault: "amount:TEXT" or "date:TEXT" (the Amount Awarded or Award Date
// cell), "both" (bad amount, applied-for and date cells in one row), "noid" (no Identifier),
// "syntax" (a bare quote, a CSV syntax error). spaced writes GrantNav-style titles without indexes
// and with spaces after the colons.
func messyCSV(n int, faults map[int]string, spaced bool) []byte {
	rng := rand.New(rand.NewPCG(360, uint64(n)))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	header := []string{"Identifier", "Title", "Description", "Currency", "Amount Awarded", "Amount Applied For",
		"Amount Disbursed", "Award Date", "Planned Dates:0:Start Date", "Planned Dates:0:End Date",
		"Planned Dates:0:Duration (months)", "Recipient Org:0:Identifier", "recipient org : name",
		"Recipient Org:0:Charity Number", "Recipient Org:0:Company Number", "Recipient Org:0:City",
		"Recipient Org:0:Postal Code",
		"Recipient Org:Location:0:Geographic Code", "Recipient Org:Location:0:Geographic Code Type", "Recipient Org:Location:0:Name",
		"Recipient Org:Location:1:Geographic Code", "Recipient Org:Location:1:Geographic Code Type", "Recipient Org:Location:1:Name",
		"Recipient Ind:0:Identifier", "Recipient Ind:0:Name"}
	for i := range 3 {
		for _, f := range []string{"Name", "Country Code", "Geographic Code", "Geographic Code Type"} {
			header = append(header, fmt.Sprintf("Beneficiary Location:%d:%s", i, f))
		}
	}
	header = append(header, "Funding Org:0:Identifier", "Funding Org:0:Name", "Grant Programme:0:Code",
		"Grant Programme:0:Title", "Location Scope", "From An Open Call?", "Data Source", "Last Modified",
		"Extra Column", "TITLE")
	if spaced {
		for i, h := range header {
			parts := strings.Split(h, ":")
			var out []string
			for _, p := range parts {
				if p = strings.TrimSpace(p); p != "0" {
					out = append(out, p)
				}
			}
			header[i] = strings.Join(out, ": ")
		}
	}
	locs := [][4]string{
		{"E06000001", "UA", "Hartlepool", "GB"}, {"E07000026", "NMD", "Allerdale", ""}, {"E08000021", "MD", "Newcastle upon Tyne", ""},
		{"E09000007", "LONB", "Camden", ""}, {"E10000002", "CTY", "Buckinghamshire", ""}, {"W06000015", "UA", "Cardiff", "GB"},
		{"S12000033", "", "Aberdeen City", ""}, {"N09000003", "", "Belfast", ""}, {"E12000001", "RGN", "North East", ""},
		{"E05000001", "WD", "A ward", ""}, {"E92000001", "CTRY", "England", "GB"}, {"", "LAD", "Somewhere", ""},
		{"", "ua", "lower-case type", ""}, {" E06000002 ", " Lonb ", " Middlesbrough ", " GB "}, {"E0600000", "UA?", "short code", ""},
		{"E060000012", "", "long code", ""}, {"e06000003", "", "lower-case code", ""}, {"E06000004x", "", "suffix", ""},
		{"E06٠٠٠٠٠1", "", "Arabic-Indic digits", ""}, {"E11000001", "", "not an LA prefix", ""}, {"W05000001", "", "Welsh ward", ""},
		{"", "", "", "GB"}, {"", "", "Name only", ""}, {"X", "", "", ""}, {"", "", "", ""}, {"", "", "", ""}, {"", "", "", ""},
		{"  ", " ", " ", " "},
	}
	money := func() string {
		v := rng.IntN(2_000_000)
		c := fmt.Sprint(v % 1000)
		if v >= 1_000_000 {
			c = fmt.Sprintf("%d,%03d,%03d", v/1_000_000, v/1000%1000, v%1000)
		} else if v >= 1000 {
			c = fmt.Sprintf("%d,%03d", v/1000, v%1000)
		}
		return pick(fmt.Sprint(v), fmt.Sprint(v), fmt.Sprint(v), fmt.Sprintf("%d.%02d", v, rng.IntN(100)), "£"+c, c,
			fmt.Sprintf("(%d)", v), fmt.Sprintf("%d%%", v%100), fmt.Sprintf("%.3E", float64(v)), fmt.Sprintf("-£%d", v),
			fmt.Sprintf("%d\u00a0", v), fmt.Sprintf(" %d ", v), fmt.Sprintf("+%d", v), fmt.Sprintf("%d [r]", v),
			fmt.Sprintf("%d [note 3]", v), fmt.Sprintf("-%d.5", v), "0", "0.0001", fmt.Sprintf("%d.", v)+"0",
			"12345678901234567890")
	}
	date := func() string {
		y, m, d := 2005+rng.IntN(20), 1+rng.IntN(12), 1+rng.IntN(28)
		return pick(fmt.Sprintf("%04d-%02d-%02d", y, m, d), fmt.Sprintf("%04d-%02d-%02d", y, m, d),
			fmt.Sprintf("%04d-%02d-%02dT09:30:00+01:00", y, m, d), fmt.Sprintf("%04d-%02d-%02d 00:00:00", y, m, d),
			fmt.Sprintf("%d/%d/%04d", d, m, y), fmt.Sprintf("%02d/%02d/%04d", d, m, y), fmt.Sprintf(" %04d-%02d-%02d ", y, m, d),
			fmt.Sprintf("%04d-%02d-%02dT00:00:00Z", y, m, d))
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"360Giving grants export (DEMO DATA)", "", "generated"})
	w.Write(header)
	rec := make([]string, len(header))
	setAt := func(i int, v string) { rec[i] = v }
	for i := range n {
		switch {
		case i%997 == 500:
			w.Write(make([]string, len(header)))
		case i%1499 == 700:
			w.Write([]string{"  ", "", "\t"})
		case i%1999 == 900:
			w.Flush()
			buf.WriteString("\n")
		}
		for j := range rec {
			rec[j] = ""
		}
		id := fmt.Sprintf("360G-T-%06d", i)
		if i%50 == 7 {
			id = "  " + id + " "
		}
		setAt(0, id)
		setAt(1, pick(fmt.Sprintf("Project %d", i), "Café «Ω» ünïcode", "Line one\nline two", `He said "hi", then left`, "", "   ",
			fmt.Sprintf("Arts project %d for the community", i)))
		setAt(2, pick("DEMO DATA - synthetic figures", "", "bad \xff\xfe bytes", strings.Repeat("long text ", 20), "multi\r\nline"))
		setAt(3, pick("GBP", "GBP", " gbp ", ""))
		setAt(4, money())
		setAt(5, pick("", "", "x", "[c]", "..", "-", "n/a", "#N/A", "[z]", money()))
		setAt(6, pick("", "", "", "[x]", money()))
		setAt(7, date())
		setAt(8, pick("", date()))
		setAt(9, pick("", "", date()))
		setAt(10, pick("", "12", "6.5", " 3 ", "24"))
		setAt(11, pick(fmt.Sprintf("GB-CHC-%07d", rng.IntN(9_999_999)), "", " GB-COH-0001 "))
		setAt(12, pick(fmt.Sprintf("Trust %d", rng.IntN(5000)), "", "Ünïcode Trust"))
		setAt(13, pick("", fmt.Sprint(rng.IntN(1_999_999)), "SC012345"))
		setAt(14, pick("", "", "01234567"))
		setAt(15, pick("", "Hartlepool", "Newcastle upon Tyne"))
		setAt(16, pick("", "ZZ99 9ZZ"))
		for k := range 2 {
			l := locs[rng.IntN(len(locs))]
			setAt(17+3*k, l[0])
			setAt(18+3*k, l[1])
			setAt(19+3*k, l[2])
		}
		if rng.IntN(20) == 0 {
			setAt(23, fmt.Sprintf("360G-IND-%d", i))
			setAt(24, "An individual")
		}
		for k := range 3 {
			if k > 0 && rng.IntN(3) == 0 {
				continue
			}
			l := locs[rng.IntN(len(locs))]
			setAt(25+4*k, l[2])
			setAt(26+4*k, l[3])
			setAt(27+4*k, l[0])
			setAt(28+4*k, l[1])
		}
		setAt(37, pick("GB-CHC-1036733", "GB-GOR-PC390", ""))
		setAt(38, pick("Arts Council England", "The National Lottery Heritage Fund"))
		setAt(39, pick("", "360G-ACE-P1", "17"))
		setAt(40, pick("", "National Lottery Project Grants"))
		setAt(41, pick("", "GB-LAE", "GB-CTY"))
		setAt(42, pick("Yes", "No", "", " yes "))
		setAt(43, pick("", "https://example.org/data"))
		setAt(44, pick("2024-06-30T09:00:00+00:00", ""))
		setAt(45, pick("ignored", ""))
		setAt(46, pick("duplicate title, ignored", ""))
		out := rec
		if i%301 == 150 {
			out = rec[:9+rng.IntN(len(rec)-9)]
		}
		switch f := faults[i]; {
		case strings.HasPrefix(f, "amount:"):
			setAt(4, strings.TrimPrefix(f, "amount:"))
		case strings.HasPrefix(f, "date:"):
			setAt(7, strings.TrimPrefix(f, "date:"))
		case f == "both":
			setAt(5, "lots")
			setAt(7, "soon")
			setAt(4, "many")
		case f == "noid":
			setAt(0, " ")
		case f == "syntax":
			w.Flush()
			fmt.Fprintf(&buf, "%s,a \"bare\" quote,x,GBP,5,,,2024-01-01\n", id)
			continue
		}
		w.Write(out)
	}
	w.Flush()
	return buf.Bytes()
}
