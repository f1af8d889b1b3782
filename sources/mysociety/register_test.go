package mysociety_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/cornerstone-data/cornerstone/internal/config"
	"github.com/cornerstone-data/cornerstone/internal/demo"
	"github.com/cornerstone-data/cornerstone/sources"
	"github.com/cornerstone-data/cornerstone/sources/mysociety"
	"github.com/cornerstone-data/cornerstone/sources/sourcestest"
)

// demoFile writes the demo sample's file ending in suffix to a temporary directory as name.
func demoFile(t testing.TB, suffix, name string) string {
	t.Helper()
	s, err := demo.Generate()
	if err != nil {
		t.Fatal(err)
	}
	f, ok := s.Find(suffix)
	if !ok {
		t.Fatalf("the demo sample has no %s", suffix)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, f.Body, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestInfo(t *testing.T) { sourcestest.TestInfo(t, mysociety.Register{}) }

func TestLoadRegister(t *testing.T) {
	sourcestest.TestLoad(t, mysociety.Register{}, demoFile(t, "uk_local_authorities_future.csv", "uk_local_authorities_future.csv"), sources.Options{})
}

func TestLoadRealRegister(t *testing.T) {
	ref, ok := config.ReferenceDir(filepath.Join("..", ".."))
	if !ok {
		t.Skip("../shared/reference is absent (set CORNERSTONE_REFERENCE): skipping the conformance test on the real register")
	}
	sourcestest.TestLoad(t, mysociety.Register{}, filepath.Join(ref, "population_geography", "uk_local_authorities_register.csv"), sources.Options{})
}

// FuzzRegister feeds arbitrary bytes named as the register CSV through the real ingest driver.
func FuzzRegister(f *testing.F) {
	seeds := [][]byte{[]byte("local-authority-code,official-name,nice-name,gss-code,start-date,end-date,replaced-by,nation,region,local-authority-type,local-authority-type-name,county-la,combined-authority,alt-names,former-gss-codes,notes,current-authority,ecode\n" +
		"HPL,Hartlepool Borough Council,Hartlepool,E06000001,,,,England,North East,UA,Unitary authority,,TVCA,,,,True,E0701\n")}
	if ref, ok := config.ReferenceDir(filepath.Join("..", "..")); ok {
		if b, err := os.ReadFile(filepath.Join(ref, "population_geography", "uk_local_authorities_register.csv")); err == nil {
			seeds = append(seeds, b[:min(len(b), 8192)])
		}
	}
	sourcestest.Fuzz(f, mysociety.Register{}, "uk_local_authorities_future.csv", sources.Options{}, seeds...)
}

// FuzzLookup feeds arbitrary bytes named as an ONS district lookup (ArcGIS query JSON).
func FuzzLookup(f *testing.F) {
	seeds := [][]byte{[]byte(`{"features":[{"attributes":{"LAD24CD":"E08000016","LAD24NM":"Barnsley","LAD25CD":"E08000038","LAD25NM":"Barnsley"}}]}`)}
	sourcestest.Fuzz(f, mysociety.Register{}, "LAD24_LAD25_UK_LU.json", sources.Options{}, seeds...)
}
