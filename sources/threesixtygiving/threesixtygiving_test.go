package threesixtygiving_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/internal/sheets"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/funding/fundingtest"
	_ "github.com/cornerstone-data/cornerstone/sources/mysociety"
	"github.com/cornerstone-data/cornerstone/sources/threesixtygiving"
)

func demoServer(t *testing.T) (*demo.Sample, string) {
	t.Helper()
	sample, err := demo.Generate()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := demo.Serve(sample)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return sample, srv.URL
}

// registerFile writes the demo register to disk for --from loads.
func registerFile(t *testing.T, sample *demo.Sample) string {
	t.Helper()
	k, _ := demo.Key(demo.RegisterURL)
	p := filepath.Join(t.TempDir(), "uk_local_authorities_future.csv")
	if err := os.WriteFile(p, sample.Files[k].Body, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDiscoverFollowedFundersInEveryFormat(t *testing.T) {
	_, url := demoServer(t)
	e := fundingtest.New(t, url)
	e.Ingest("la-register", sources.Options{})
	res := e.Ingest("threesixtygiving", sources.Options{})
	var datasets []string
	for _, l := range res.Loads {
		if l.Status != sources.StatusLoaded {
			t.Errorf("%s: %s %v", l.Release.Key(), l.Status, l.Err)
		}
		datasets = append(datasets, l.Release.Dataset)
	}
	want := "GB-CHC-1036733/a001p00000ACE2023 GB-GOR-PC390/a001p00000NLHF2024 GB-CHC-1036733/a001p00000ACE2024"
	if strings.Join(datasets, " ") != want {
		t.Errorf("datasets %q, want %q (the trust that is not followed left out)", datasets, want)
	}
	e.Build("core.funding_awards", "core.funding_unresolved")

	check := func(label, query, want string) {
		t.Helper()
		if got := strings.Join(e.Rows(query), "\n"); got != want {
			t.Errorf("%s:\n got %s\nwant %s", label, got, want)
		}
	}
	check("headquarters effect", `SELECT DISTINCT location_basis, area_code, hq_effect FROM core.funding_awards WHERE recipient_name = 'National Touring Network'`,
		"recipient organisation location | E09000007 | true")
	check("abolished district code", `SELECT DISTINCT area_code, current_area_code, resolution FROM core.funding_awards WHERE recipient_name = 'Nidderdale Heritage Group'`,
		"E07000165 | E06000065 | matched")
	check("region then local authority", `SELECT DISTINCT location_basis, area_code FROM core.funding_awards WHERE award_id = '360G-NLHF-2024-00002'`,
		"beneficiary location | E06000001")
	check("placed by recipient", `SELECT DISTINCT location_basis, area_code, hq_effect FROM core.funding_awards WHERE recipient_name = 'Tyneside Makers CIC'`,
		"recipient organisation location | E08000021 | false")
	check("funders", `SELECT funder, count(*) > 0 FROM core.funding_awards GROUP BY 1 ORDER BY 1`,
		"Arts Council England | true\nThe National Lottery Heritage Fund | true")
	var unplaced int
	e.Scalar(&unplaced, `SELECT count(*) FROM core.funding_awards WHERE area_code IS NULL`)
	if unplaced != 0 {
		t.Errorf("unplaced: %q", e.Rows(`SELECT * FROM core.funding_unresolved`))
	}

	// Same release twice: nothing changes.
	before := e.Rows(`SELECT * FROM core.funding_awards ORDER BY award_id`)
	res = e.Ingest("threesixtygiving", sources.Options{})
	for _, l := range res.Loads {
		if l.Status != sources.StatusUnchanged {
			t.Errorf("second run %s: %s", l.Release.Key(), l.Status)
		}
	}
	e.Build("core.funding_awards")
	if after := e.Rows(`SELECT * FROM core.funding_awards ORDER BY award_id`); strings.Join(after, "\n") != strings.Join(before, "\n") {
		t.Error("a second run changed core.funding_awards")
	}
}

func TestConfiguredFunderIsAdded(t *testing.T) {
	_, url := demoServer(t)
	e := fundingtest.New(t, url)
	e.Settings = map[string]any{"threesixtygiving": &threesixtygiving.Settings{Funders: []string{"GB-CHC-9999999"}}}
	if got := threesixtygiving.Funders(e.Env); strings.Join(got, ",") != "GB-CHC-1036733,GB-GOR-PC390,GB-CHC-9999999" {
		t.Fatalf("funders %q", got)
	}
	res := e.Ingest("threesixtygiving", sources.Options{})
	if len(res.Loads) != 4 {
		t.Errorf("%d releases, want 4", len(res.Loads))
	}
}

// TestFormatsGiveIdenticalAwards loads the same grants published as CSV (titles spaced, no
// index), XLSX (GrantNav's numbered titles) and JSON, each into its own warehouse, and compares
// core.funding_awards row for row (release names aside).
func TestFormatsGiveIdenticalAwards(t *testing.T) {
	sample, _ := demoServer(t)
	register := registerFile(t, sample)
	grants := demo.DemoGrants(demo.SampleAreas, "GB-CHC-1036733", "Arts Council England", "360G-ACE", "Test programme", 2, 2023)
	csvBody, err := demo.GrantsCSV(grants, demo.FlatSpaced)
	if err != nil {
		t.Fatal(err)
	}
	xlsxBody, err := demo.GrantsXLSX(grants, demo.FlatIndexed)
	if err != nil {
		t.Fatal(err)
	}
	jsonBody, err := demo.GrantsJSON(grants)
	if err != nil {
		t.Fatal(err)
	}
	var results []string
	for _, f := range []struct {
		name string
		body []byte
	}{{"grants-2024-07-01.csv", csvBody}, {"grants-2024-07-01.xlsx", xlsxBody}, {"grants-2024-07-01.json", jsonBody}} {
		p := filepath.Join(t.TempDir(), f.name)
		if err := os.WriteFile(p, f.body, 0o644); err != nil {
			t.Fatal(err)
		}
		e := fundingtest.New(t, "")
		e.Register(register)
		e.Ingest("threesixtygiving", sources.Options{From: p})
		e.Build("core.funding_awards")
		rows := e.Rows(`SELECT * EXCLUDE (release, dataset) FROM core.funding_awards ORDER BY award_id`)
		if len(rows) != len(grants) {
			t.Fatalf("%s: %d awards for %d grants", f.name, len(rows), len(grants))
		}
		results = append(results, strings.Join(rows, "\n"))
		raw := e.Rows(`SELECT * EXCLUDE (_load_id, _dataset, _file, _sheet, _row) FROM raw.threesixtygiving_grants ORDER BY grant_id`)
		results = append(results, strings.Join(raw, "\n"))
	}
	for i := 2; i < len(results); i++ {
		if results[i] != results[i%2] {
			a := strings.Split(results[i%2], "\n")
			t.Errorf("format %d differs from CSV (%d vs %d lines); first CSV line: %s", i/2, len(a), len(strings.Split(results[i], "\n")), a[0])
			for j, l := range strings.Split(results[i], "\n") {
				if j < len(a) && a[j] != l {
					t.Errorf("line %d:\n csv  %s\n this %s", j, a[j], l)
					break
				}
			}
		}
	}
}

func TestBadCellNamesFileRowAndColumn(t *testing.T) {
	body := "Identifier,Title,Amount Awarded,Award Date,Funding Org:Identifier\n360G-x-1,A,100,2024-01-01,GB-CHC-1\n360G-x-2,B,1O0,2024-01-01,GB-CHC-1\n"
	p := filepath.Join(t.TempDir(), "g.csv")
	os.WriteFile(p, []byte(body), 0o644)
	err := threesixtygiving.ReadFile(context.Background(), p, "g.csv", func(string, int, *threesixtygiving.Grant) error { return nil })
	var ce *sheets.CellError
	if !errors.As(err, &ce) || ce.Row != 3 || ce.Col != 2 || !strings.Contains(err.Error(), "g.csv cell C3") {
		t.Fatalf("err = %v", err)
	}
	p = filepath.Join(t.TempDir(), "g.json")
	os.WriteFile(p, []byte(`{"grants": [{"id": "a", "amountAwarded": 5}, {"id": "b", "amountAwarded": "five"}]}`), 0o644)
	err = threesixtygiving.ReadFile(context.Background(), p, "g.json", func(string, int, *threesixtygiving.Grant) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "g.json grant 2 (b): amountAwarded") {
		t.Fatalf("err = %v", err)
	}
}

// TestJSONStreamsInBoundedMemory reads a JSON package ten times larger than another and checks
// that the peak live heap does not grow with the file.
func TestJSONStreamsInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a 40 MB file")
	}
	peak := func(n int) uint64 {
		p := filepath.Join(t.TempDir(), "big.json")
		writeBigJSON(t, p, n)
		runtime.GC()
		var ms runtime.MemStats
		var top uint64
		i := 0
		err := threesixtygiving.ReadFile(context.Background(), p, "big.json", func(string, int, *threesixtygiving.Grant) error {
			if i++; i%2000 == 0 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				top = max(top, ms.HeapAlloc)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return top
	}
	small, large := peak(6_000), peak(60_000)
	t.Logf("peak live heap: %d KB for 6k grants, %d KB for 60k", small/1024, large/1024)
	if large > 2*small+4<<20 {
		t.Errorf("heap grows with the file: %d KB vs %d KB", large/1024, small/1024)
	}
}

func writeBigJSON(t testing.TB, p string, n int) {
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	grants := demo.DemoGrants(demo.SampleAreas, "GB-CHC-1036733", "Arts Council England", "360G-ACE", "Bulk", 1, 2023)
	one, _ := demo.GrantsJSON(grants[:1])
	item := strings.TrimSpace(string(one))
	item = item[strings.Index(item, "[")+1 : strings.LastIndex(item, "]")]
	f.WriteString(`{"meta": {"note": "skipped"}, "grants": [`)
	for i := range n {
		if i > 0 {
			f.WriteString(",")
		}
		f.WriteString(strings.Replace(item, grants[0].ID, grants[0].ID+"-"+string(rune('a'+i%26))+itoa(i), 1))
	}
	f.WriteString("]}")
}

func itoa(i int) string { return strconv.Itoa(i) }

func FuzzReadFile(f *testing.F) {
	f.Add([]byte(`{"grants": [{"id": "360G-1", "amountAwarded": 5, "beneficiaryLocation": [{"geoCode": "E06000001"}]}]}`))
	f.Add([]byte("Identifier,Amount Awarded,Recipient Org: Name,Beneficiary Location:0:Geographic Code\n1,2,x,E06000001\n"))
	f.Add([]byte(`[1, {"grants": 3}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p := filepath.Join(t.TempDir(), "f")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		_ = threesixtygiving.ReadFile(context.Background(), p, "f", func(string, int, *threesixtygiving.Grant) error { return nil })
	})
}

func BenchmarkReadJSON(b *testing.B) {
	p := filepath.Join(b.TempDir(), "big.json")
	writeBigJSON(b, p, 100_000)
	st, _ := os.Stat(p)
	b.SetBytes(st.Size())
	b.ReportAllocs()
	for b.Loop() {
		var ms runtime.MemStats
		var top uint64
		i := 0
		if err := threesixtygiving.ReadFile(context.Background(), p, "big.json", func(string, int, *threesixtygiving.Grant) error {
			if i++; i%10000 == 0 {
				runtime.ReadMemStats(&ms)
				top = max(top, ms.HeapAlloc)
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(top)/(1<<20), "peak-heap-MB")
	}
}
